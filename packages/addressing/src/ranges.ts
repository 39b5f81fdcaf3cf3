/** Range algorithms: summarize a range, collapse a set, exclude a subnet (Python's semantics). */
import type { IPAddress } from './address.ts';
import { AddressError } from './errors.ts';
import { IPNetwork, sameVersion } from './network.ts';

/** Trailing zero bits of `value` (all `bits` when it is 0). */
function trailingZeros(value: bigint, bits: number): number {
  if (value === 0n) return bits;
  let n = 0;
  while (((value >> BigInt(n)) & 1n) === 0n) n++;
  return n;
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** The fewest CIDR blocks covering the integers first..last exactly, in order. */
function* rangeBlocks(version: 4 | 6, first: bigint, last: bigint): Generator<IPNetwork> {
  const bits = version === 4 ? 32 : 128;
  let v = first;
  while (v <= last) {
    const size = Math.min(trailingZeros(v, bits), bitLength(last - v + 1n) - 1);
    yield IPNetwork.fromBigInt(version, v, bits - size);
    v += 1n << BigInt(size);
  }
}

/**
 * The fewest networks that cover `first`..`last` exactly (Python's
 * `summarize_address_range`).
 * @param first the first address of the range
 * @param last the last address, same version, not before `first`
 * @returns a generator of the networks, in address order
 * @throws {AddressError} `ERR_VERSION_MISMATCH`, or `ERR_INVALID_ARGUMENT` when last < first
 * @example [...summarizeRange(parseAddress('10.0.0.0'), parseAddress('10.0.0.5'))].join(' ')
 *   // '10.0.0.0/30 10.0.0.4/31'
 */
export function summarizeRange(first: IPAddress, last: IPAddress): Generator<IPNetwork> {
  sameVersion(first, last);
  if (last.compare(first) < 0) {
    throw new AddressError('ERR_INVALID_ARGUMENT', `last address ${last} is before first ${first}`);
  }
  return rangeBlocks(first.version, first.toBigInt(), last.toBigInt());
}

/**
 * Merges addresses and networks into the fewest networks covering the same addresses,
 * sorted (Python's `collapse_addresses`).
 * @param items networks and addresses of one version, in any order, overlaps allowed
 * @returns the networks, sorted; empty for no items
 * @throws {AddressError} `ERR_VERSION_MISMATCH` when versions are mixed
 * @example collapse(['10.0.0.0/25', '10.0.0.128/25'].map((t) => parseNetwork(t))).map(String) // ['10.0.0.0/24']
 */
export function collapse(items: Iterable<IPNetwork | IPAddress>): IPNetwork[] {
  const spans: [bigint, bigint][] = [];
  let version: 4 | 6 | undefined;
  let firstItem: IPNetwork | IPAddress | undefined;
  for (const item of items) {
    if (firstItem === undefined) firstItem = item;
    else sameVersion(firstItem, item);
    version = item.version;
    if (item instanceof IPNetwork) spans.push([item.first, item.last]);
    else spans.push([item.toBigInt(), item.toBigInt()]);
  }
  if (version === undefined) return [];
  spans.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: IPNetwork[] = [];
  let [start, end] = spans[0]!;
  for (const [s, e] of spans) {
    if (s <= end + 1n) {
      if (e > end) end = e;
      continue;
    }
    out.push(...rangeBlocks(version, start, end));
    [start, end] = [s, e];
  }
  out.push(...rangeBlocks(version, start, end));
  return out;
}

/**
 * The networks left when `excluded` is removed from `network`, largest split first, in
 * the order Python's `address_exclude` yields them.
 * @param network the network to split
 * @param excluded a network inside it
 * @returns a generator of the networks that remain
 * @throws {AddressError} `ERR_VERSION_MISMATCH`, or `ERR_INVALID_ARGUMENT` when `excluded`
 *   is not inside `network`
 * @example [...addressExclude(parseNetwork('10.0.0.0/30'), parseNetwork('10.0.0.0/32'))].map(String) // ['10.0.0.2/31', '10.0.0.1/32']
 */
export function* addressExclude(network: IPNetwork, excluded: IPNetwork): Generator<IPNetwork> {
  sameVersion(network, excluded);
  if (!excluded.subnetOf(network)) {
    throw new AddressError('ERR_INVALID_ARGUMENT', `${excluded} is not contained in ${network}`);
  }
  if (excluded.equals(network)) return;
  let [s1, s2] = halves(network);
  while (!s1.equals(excluded) && !s2.equals(excluded)) {
    if (excluded.subnetOf(s1)) {
      yield s2;
      [s1, s2] = halves(s1);
    } else {
      yield s1;
      [s1, s2] = halves(s2);
    }
  }
  yield s1.equals(excluded) ? s2 : s1;
}

function halves(network: IPNetwork): [IPNetwork, IPNetwork] {
  const [a, b] = network.subnets();
  return [a!, b!];
}
