/** IPInterface: an address together with its network (`192.168.0.186/24`), Python's `ip_interface`. */
import { type IPAddress, parseAddress } from './address.ts';
import type { Classification } from './classify.ts';
import { AddressError, quote } from './errors.ts';
import { parsePrefix } from './masks.ts';
import { IPNetwork, sameVersion } from './network.ts';

/**
 * A host address on its network, as an interface is configured (`ip addr`'s `inet` lines).
 * @example IPInterface.parse('192.168.0.186/24').network.toString() // '192.168.0.0/24'
 */
export class IPInterface {
  /**
   * The network the address sits on (host bits cleared).
   * @example parseInterface('10.1.2.3/8').network.toString() // '10.0.0.0/8'
   */
  readonly network: IPNetwork;

  /**
   * @param address the address, zone included
   * @param prefix its prefix length
   * @throws {AddressError} `ERR_INVALID_NETMASK` for a prefix outside 0..32 or 0..128
   * @example new IPInterface(parseAddress('10.1.2.3'), 8).toString() // '10.1.2.3/8'
   */
  constructor(
    readonly address: IPAddress,
    readonly prefix: number,
  ) {
    // As Python: the network keeps the zone only when the address is the network address.
    const plain = address.version === 6 ? address.withoutZone() : address;
    const network = new IPNetwork(plain, prefix, false);
    this.network = network.networkAddress.equals(plain) ? new IPNetwork(address, prefix) : network;
  }

  /**
   * Parses `address/prefix`, `address/netmask` or `address/hostmask` (IPv4), or a bare
   * address (a /32 or /128). Host bits are the point here, so there is no strict mode.
   * @param text the interface as typed
   * @returns the interface
   * @throws {AddressError} `ERR_INVALID_ADDRESS` or `ERR_INVALID_NETMASK`
   * @example IPInterface.parse('10.1.2.3/255.0.0.0').prefix // 8
   */
  static parse(text: string): IPInterface {
    if (typeof text !== 'string') {
      throw new AddressError(
        'ERR_INVALID_ADDRESS',
        `interface must be a string, got ${typeof text}`,
      );
    }
    const parts = text.split('/');
    if (parts.length > 2) {
      throw new AddressError(
        'ERR_INVALID_ADDRESS',
        `invalid interface ${quote(text)}: only one '/' permitted`,
        {
          input: text,
        },
      );
    }
    const address = parseAddress(parts[0]!);
    const prefix = parts.length === 1 ? address.bits : parsePrefix(text, parts[1]!, address.bits);
    return new IPInterface(address, prefix);
  }

  /**
   * The address without its zone (Python's `ip`).
   * @example parseInterface('fe80::1%eth0/64').ip.toString() // 'fe80::1'
   */
  get ip(): IPAddress {
    return this.address.version === 6 ? this.address.withoutZone() : this.address;
  }
  /**
   * @returns `address/prefix`, zone included
   * @example String(parseInterface('fe80::1%eth0/64')) // 'fe80::1%eth0/64'
   */
  toString(): string {
    return `${this.address}/${this.prefix}`;
  }
  /**
   * @returns `address/prefix` without the zone (Python's `with_prefixlen`)
   * @example parseInterface('fe80::1%eth0/64').withPrefixLength() // 'fe80::1/64'
   */
  withPrefixLength(): string {
    return `${this.ip}/${this.prefix}`;
  }
  /**
   * @returns `address/netmask` (Python's `with_netmask`)
   * @example parseInterface('192.168.0.186/24').withNetmask() // '192.168.0.186/255.255.255.0'
   */
  withNetmask(): string {
    return `${this.ip}/${this.network.netmask}`;
  }
  /**
   * @returns `address/hostmask` (Python's `with_hostmask`)
   * @example parseInterface('192.168.0.186/24').withHostmask() // '192.168.0.186/0.0.0.255'
   */
  withHostmask(): string {
    return `${this.ip}/${this.network.hostmask}`;
  }
  /**
   * The address's flags, except that `unspecified` needs the network to be too (`0.0.0.0/32`,
   * `::/128`), and for IPv6 so does `loopback` (`::1/64` is not loopback), as in Python
   * (whose IPv4Interface.is_unspecified is always false, a bug we do not copy).
   * @returns the flags
   * @example parseInterface('::1/64').classify().loopback // false
   */
  classify(): Classification {
    const flags = this.address.classify();
    const net = this.network.classify();
    const loopback = this.address.version === 4 ? flags.loopback : flags.loopback && net.loopback;
    return { ...flags, loopback, unspecified: flags.unspecified && net.unspecified };
  }
  /**
   * @param other another interface
   * @returns whether it is the same address (and zone) on the same network
   * @example parseInterface('10.0.0.1/8').equals(parseInterface('10.0.0.1/16')) // false
   */
  equals(other: IPInterface): boolean {
    return this.address.equals(other.address) && this.network.equals(other.network);
  }
  /**
   * Orders by network, then by address (Python's `<`), for `Array.prototype.sort`.
   * @param other an interface of the same version
   * @returns -1, 0 or 1
   * @throws {AddressError} `ERR_VERSION_MISMATCH` across versions
   * @example parseInterface('10.0.0.2/8').compare(parseInterface('10.0.0.1/8')) // 1
   */
  compare(other: IPInterface): -1 | 0 | 1 {
    sameVersion(this.address, other.address);
    return this.network.compare(other.network) || this.address.compare(other.address);
  }
}

/**
 * Python's `ip_interface(text)`; the same as {@link IPInterface.parse}.
 * @param text `address/prefix`, `address/netmask`, `address/hostmask` or a bare address
 * @returns the interface
 * @throws {AddressError} `ERR_INVALID_ADDRESS` or `ERR_INVALID_NETMASK`
 * @example parseInterface('192.168.0.186/24').network.toString() // '192.168.0.0/24'
 */
export function parseInterface(text: string): IPInterface {
  return IPInterface.parse(text);
}
