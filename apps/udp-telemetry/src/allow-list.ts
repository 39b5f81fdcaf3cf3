/** --allow-from: which source addresses the collector takes datagrams from, checked once per address. */
import {
  AddressError,
  type IPNetwork,
  NetworkList,
  parseNetwork,
  parseNetworkList,
} from '@netlab/addressing/network';
import { UsageError } from '@netlab/cli';

/** Source addresses whose verdict is remembered; beyond it the oldest is forgotten. */
const CACHE_SIZE = 4096;

/**
 * The networks datagrams may come from. Each check is one Map lookup for an address seen
 * before; a new address is parsed once and tested against every network (NetworkList: an
 * IPv4 sender matches in both of its spellings, a.b.c.d and ::ffff:a.b.c.d, since a
 * dual-stack socket reports it the second way). The cache holds at most CACHE_SIZE
 * addresses: a spray of forged source addresses costs a parse per datagram, never memory.
 */
export class AllowList {
  private readonly verdicts = new Map<string, boolean>();
  private readonly list: NetworkList;

  constructor(readonly networks: readonly IPNetwork[]) {
    this.list = new NetworkList(networks);
  }

  /** @param address a source address as `dgram` reports it (`rinfo.address`) */
  allows(address: string): boolean {
    const known = this.verdicts.get(address);
    if (known !== undefined) return known;
    // Text that is no address we can place is refused (includes() is false for it).
    const verdict = this.list.includes(address);
    // A Map iterates in insertion order, so its first key is the oldest verdict.
    if (this.verdicts.size >= CACHE_SIZE) this.verdicts.delete(this.verdicts.keys().next().value!);
    this.verdicts.set(address, verdict);
    return verdict;
  }
}

/**
 * The values of --allow-from: an IPv4 or IPv6 address (a /32 or /128) or a CIDR network.
 * Host bits are refused, not cleared: `10.0.0.1/8` in an access rule is more likely a typo
 * for one host than a wish for 16 million, so the user says which.
 * @throws {UsageError} naming the bad value and the parser's code (exit 2)
 */
export function parseAllowFrom(values: readonly string[]): readonly IPNetwork[] {
  try {
    return parseNetworkList(values).networks;
  } catch (error) {
    if (!(error instanceof AddressError)) throw error;
    const text = error.input ?? '';
    const hint =
      error.code === 'ERR_HOST_BITS_SET'
        ? ` (did you mean ${parseNetwork(text, { strict: false })} or ${text.split('/')[0]}?)`
        : '';
    throw new UsageError(
      `--allow-from ${JSON.stringify(text)}: ${error.code} ${error.message}${hint}`,
      { cause: error },
    );
  }
}
