/** Addresses of either version: the IPAddress type and the parsers that pick the version. */
import { IPv4Address } from './ipv4-address.ts';
import { IPv6Address } from './ipv6-address.ts';

export { IPv4Address, IPv6Address };

/**
 * Either address family. Narrow with `address.version`.
 * @example const a: IPAddress = parseAddress('::1'); if (a.version === 6) console.log(a.zone);
 */
export type IPAddress = IPv4Address | IPv6Address;

/**
 * Parses an IPv4 or IPv6 address (Python's `ip_address`): IPv6 when the text has a colon.
 * @param text dotted-quad IPv4, or IPv6 with an optional `%zone` (no brackets, no port)
 * @returns an {@link IPv4Address} or an {@link IPv6Address}
 * @throws {AddressError} `ERR_INVALID_ADDRESS` naming the text and the problem
 * @example parseAddress('fe80::1%eth0').zone // 'eth0'
 */
export function parseAddress(text: string): IPAddress {
  if (typeof text === 'string' && text.includes(':')) return IPv6Address.parse(text);
  return IPv4Address.parse(text);
}

/**
 * Builds an address of the given version from an integer. Python's `ip_address(int)` picks
 * IPv4 below 2^32; here the caller says which, since `1` is both `0.0.0.1` and `::1`.
 * @param version 4 or 6
 * @param value the address as a bigint or a safe integer
 * @returns the address
 * @throws {AddressError} `ERR_ADDRESS_OUT_OF_RANGE` outside that version's address space
 * @example addressFromBigInt(6, 1n).toString() // '::1'
 */
export function addressFromBigInt(version: 4 | 6, value: bigint | number): IPAddress {
  return version === 4 ? IPv4Address.fromBigInt(value) : IPv6Address.fromBigInt(value);
}

/**
 * Builds an address from its bytes in network order (Python's `ip_address(bytes)`).
 * @param bytes 4 bytes for IPv4, 16 for IPv6
 * @returns the address
 * @throws {AddressError} `ERR_INVALID_ADDRESS` for any other length
 * @example addressFromBytes(Uint8Array.of(127, 0, 0, 1)).toString() // '127.0.0.1'
 */
export function addressFromBytes(bytes: Uint8Array): IPAddress {
  return bytes.length === 4 ? IPv4Address.fromBytes(bytes) : IPv6Address.fromBytes(bytes);
}
