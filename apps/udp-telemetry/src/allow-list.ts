/** --allow-from: which source addresses the collector takes datagrams from, checked once per address. */
import { type IPAddress, IPv6Address, parseAddress } from '@netlab/addressing/address';
import { AddressError, type IPNetwork, parseNetwork } from '@netlab/addressing/network';
import { UsageError } from '@netlab/cli';

/** Source addresses whose verdict is remembered; beyond it the oldest is forgotten. */
const CACHE_SIZE = 4096;

/**
 * The networks datagrams may come from. Each check is one Map lookup for an address seen
 * before; a new address is parsed once and tested against every network. The cache holds at
 * most CACHE_SIZE addresses: a spray of forged source addresses costs a parse per datagram,
 * never memory.
 */
export class AllowList {
  private readonly verdicts = new Map<string, boolean>();

  constructor(readonly networks: readonly IPNetwork[]) {}

  /** @param address a source address as `dgram` reports it (`rinfo.address`) */
  allows(address: string): boolean {
    const known = this.verdicts.get(address);
    if (known !== undefined) return known;
    const verdict = this.decide(address);
    // A Map iterates in insertion order, so its first key is the oldest verdict.
    if (this.verdicts.size >= CACHE_SIZE) this.verdicts.delete(this.verdicts.keys().next().value!);
    this.verdicts.set(address, verdict);
    return verdict;
  }

  private decide(text: string): boolean {
    let address: IPAddress;
    try {
      address = parseAddress(text);
    } catch (error) {
      if (error instanceof AddressError) return false; // not an address we can place: refused
      throw error;
    }
    // A dual-stack socket (bound to ::) reports an IPv4 sender as ::ffff:a.b.c.d (RFC 4291
    // §2.5.5.2). It is one host either way, so an address matches in both of its forms.
    const other = address.version === 6 ? address.ipv4Mapped : IPv6Address.mapIPv4(address);
    return this.networks.some((n) => n.contains(address) || (other !== null && n.contains(other)));
  }
}

/**
 * The values of --allow-from: an IPv4 or IPv6 address (a /32 or /128) or a CIDR network.
 * Host bits are refused, not cleared: `10.0.0.1/8` in an access rule is more likely a typo
 * for one host than a wish for 16 million, so the user says which.
 * @throws {UsageError} naming the bad value and the parser's code (exit 2)
 */
export function parseAllowFrom(values: readonly string[]): IPNetwork[] {
  return values.map((text) => {
    try {
      return parseNetwork(text);
    } catch (error) {
      if (!(error instanceof AddressError)) throw error;
      const hint =
        error.code === 'ERR_HOST_BITS_SET'
          ? ` (did you mean ${parseNetwork(text, { strict: false })} or ${text.split('/')[0]}?)`
          : '';
      throw new UsageError(
        `--allow-from ${JSON.stringify(text)}: ${error.code} ${error.message}${hint}`,
        { cause: error },
      );
    }
  });
}
