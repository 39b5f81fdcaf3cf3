/** NetworkList: the networks a user lists for an access rule (--allow, --deny), parsed once and matched per address. */
import { type IPAddress, IPv6Address, parseAddress } from './address.ts';
import { AddressError } from './errors.ts';
import { type IPNetwork, type NetworkOptions, parseNetwork } from './network.ts';

/**
 * A list of networks that addresses are tested against, as a server's `--allow` or a
 * crawler's `--allow-net` needs. An IPv4 host has two spellings on the wire: a dual-stack
 * socket (bound to `::`) reports an IPv4 peer as `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2), an
 * IPv4 socket as `a.b.c.d`. Both are one host, so an address matches when either spelling is
 * in a network: a rule `10.0.0.0/8` admits `::ffff:10.1.2.3`, and `::ffff:10.0.0.0/104`
 * admits `10.1.2.3`. Zones are ignored, as `IPNetwork.contains` does.
 * @example new NetworkList([parseNetwork('10.0.0.0/8')]).includes('::ffff:10.1.2.3') // true
 */
export class NetworkList {
  /** The networks, in the order given. */
  readonly networks: readonly IPNetwork[];

  /**
   * @param networks the networks, already parsed
   * @example new NetworkList([]).size // 0
   */
  constructor(networks: Iterable<IPNetwork>) {
    this.networks = [...networks];
  }

  /**
   * How many networks the list holds; 0 for an empty list, which {@link includes} never matches.
   * @example parseNetworkList(['10.0.0.0/8', '::1']).size // 2
   */
  get size(): number {
    return this.networks.length;
  }

  /**
   * Whether the address, in either of its spellings (see {@link NetworkList}), is in a network
   * of the list. Never throws: text that is no IP address (a socket with no peer) is in no list.
   * @param address an address, or its text as a socket reports it (`socket.remoteAddress`)
   * @returns true when a network contains it
   * @example parseNetworkList(['::ffff:127.0.0.0/104']).includes('127.0.0.9') // true
   */
  includes(address: IPAddress | string): boolean {
    let ip: IPAddress;
    if (typeof address === 'string') {
      try {
        ip = parseAddress(address);
      } catch (error) {
        if (error instanceof AddressError) return false;
        throw error;
      }
    } else {
      ip = address;
    }
    const other = ip.version === 6 ? ip.ipv4Mapped : IPv6Address.mapIPv4(ip);
    return this.networks.some((n) => n.contains(ip) || (other !== null && n.contains(other)));
  }

  /**
   * @returns the networks, comma-separated
   * @example String(parseNetworkList(['10.0.0.0/255.0.0.0', '::1'])) // '10.0.0.0/8, ::1/128'
   */
  toString(): string {
    return this.networks.join(', ');
  }
}

/**
 * Parses the networks a user listed: each an address (its /32 or /128) or a CIDR network,
 * IPv4 or IPv6 (see {@link parseNetwork}). Strict by default: `10.0.0.1/8` in an access
 * rule is more likely a typo for one host than a wish for 16 million addresses, so it is
 * refused; `strict: false` reads it as its /8.
 * @param values the values as typed, e.g. every `--allow` flag
 * @param options `strict: false` clears host bits instead of refusing them
 * @returns the list, in the order given
 * @throws {AddressError} for the first bad value: `ERR_INVALID_ADDRESS`, `ERR_INVALID_NETMASK`
 *   or `ERR_HOST_BITS_SET` (strict), with `input` the value exactly as given
 * @example parseNetworkList(['10.0.0.1/8'], { strict: false }).networks.map(String) // ['10.0.0.0/8']
 */
export function parseNetworkList(
  values: Iterable<string>,
  options: NetworkOptions = {},
): NetworkList {
  const networks: IPNetwork[] = [];
  for (const text of values) {
    try {
      networks.push(parseNetwork(text, options));
    } catch (error) {
      if (!(error instanceof AddressError) || error.input === text) throw error;
      // The parser may name a part of the text (the address before '/'); the caller wants
      // the whole value back to show the user which one it was.
      throw new AddressError(error.code, error.message, { input: text, cause: error });
    }
  }
  return new NetworkList(networks);
}
