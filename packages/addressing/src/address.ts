/** Addresses of either version: the IPAddress type and the parsers that pick the version. */
import { IPv4Address } from './ipv4-address.ts';
import { IPv6Address } from './ipv6-address.ts';

export { IPv4Address, IPv6Address };

/** Either address family. Narrow with `address.version`. */
export type IPAddress = IPv4Address | IPv6Address;

/**
 * Parses an IPv4 or IPv6 address (Python's `ip_address`): IPv6 when the text has a colon.
 * @throws {AddressError} `ERR_INVALID_ADDRESS` naming the text and the problem
 * @example parseAddress('fe80::1%eth0').zone // 'eth0'
 */
export function parseAddress(text: string): IPAddress {
  if (typeof text === 'string' && text.includes(':')) return IPv6Address.parse(text);
  return IPv4Address.parse(text);
}

/** Builds an address of the given version from an integer (Python's `ip_address(int)`, explicit). */
export function addressFromBigInt(version: 4 | 6, value: bigint | number): IPAddress {
  return version === 4 ? IPv4Address.fromBigInt(value) : IPv6Address.fromBigInt(value);
}

/** Builds an address from 4 or 16 bytes (Python's `ip_address(bytes)`). */
export function addressFromBytes(bytes: Uint8Array): IPAddress {
  return bytes.length === 4 ? IPv4Address.fromBytes(bytes) : IPv6Address.fromBytes(bytes);
}
