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
  /** The network the address sits on (host bits cleared). */
  readonly network: IPNetwork;

  /** @param address the address, zone included; @param prefix its prefix length */
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
   * @throws {AddressError} `ERR_INVALID_ADDRESS` or `ERR_INVALID_NETMASK`
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

  /** The address without its zone (Python's `ip`). */
  get ip(): IPAddress {
    return this.address.version === 6 ? this.address.withoutZone() : this.address;
  }
  /** `address/prefix`, zone included: `fe80::1%eth0/64`. */
  toString(): string {
    return `${this.address}/${this.prefix}`;
  }
  /** `address/prefix` without the zone (Python's `with_prefixlen`). */
  withPrefixLength(): string {
    return `${this.ip}/${this.prefix}`;
  }
  /** `address/netmask`: `192.168.0.186/255.255.255.0`. */
  withNetmask(): string {
    return `${this.ip}/${this.network.netmask}`;
  }
  /** `address/hostmask`: `192.168.0.186/0.0.0.255`. */
  withHostmask(): string {
    return `${this.ip}/${this.network.hostmask}`;
  }
  /**
   * The address's flags, except that `unspecified` needs the network to be too (`0.0.0.0/32`,
   * `::/128`), and for IPv6 so does `loopback` (`::1/64` is not loopback), as in Python
   * (whose IPv4Interface.is_unspecified is always false, a bug we do not copy).
   */
  classify(): Classification {
    const flags = this.address.classify();
    const net = this.network.classify();
    const loopback = this.address.version === 4 ? flags.loopback : flags.loopback && net.loopback;
    return { ...flags, loopback, unspecified: flags.unspecified && net.unspecified };
  }
  /** Same address (and zone) on the same network. */
  equals(other: IPInterface): boolean {
    return this.address.equals(other.address) && this.network.equals(other.network);
  }
  /** By network, then by address; @throws `ERR_VERSION_MISMATCH`. */
  compare(other: IPInterface): -1 | 0 | 1 {
    sameVersion(this.address, other.address);
    return this.network.compare(other.network) || this.address.compare(other.address);
  }
}

/** Python's `ip_interface(text)`; see {@link IPInterface.parse}. */
export function parseInterface(text: string): IPInterface {
  return IPInterface.parse(text);
}
