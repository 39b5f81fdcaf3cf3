/** DNS records beyond addresses: MX with the address fallback, SRV in RFC 2782 order, TXT, PTR. */
import { type IPAddress, parseAddress } from './address.ts';
import { ask, type DnsOptions, lookupAll } from './dns.ts';
import { AddressError, quote } from './errors.ts';

/**
 * One MX target; `implicit` marks the RFC 5321 §5.1 fallback to the name's own address.
 * @example { exchange: 'mx1.netlab.test', priority: 10, implicit: false }
 */
export interface MxRecord {
  exchange: string;
  priority: number;
  implicit: boolean;
}

/**
 * One SRV target (RFC 2782).
 * @example { name: 'mx1.netlab.test', port: 143, priority: 10, weight: 60 }
 */
export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/**
 * Where mail for `name` goes: MX records by preference (lowest first, then by name), or,
 * when the name has no MX but has an address, the name itself as an implicit MX of
 * preference 0 (RFC 5321 §5.1). A single MX of `.` (RFC 7505 null MX) gives an empty list.
 * @param name the mail domain
 * @param options servers, timeout and tries
 * @returns the MX targets in the order to try them; empty when the domain takes no mail
 * @throws {AddressError} as {@link resolveA}; `ERR_DNS_NO_DATA` when neither MX nor address exist
 * @example (await resolveMx('netlab.test', { servers: ['127.0.0.1:5353'] }))[0] // { exchange: 'mx1.netlab.test', priority: 10, implicit: false }
 */
export async function resolveMx(name: string, options: DnsOptions = {}): Promise<MxRecord[]> {
  try {
    const records = await ask(options, `MX ${quote(name)}`, (r) => r.resolveMx(name));
    if (records.length === 1 && (records[0]!.exchange === '' || records[0]!.exchange === '.'))
      return [];
    return records
      .map((r) => ({ exchange: r.exchange, priority: r.priority, implicit: false }))
      .sort(
        (a, b) =>
          a.priority - b.priority ||
          (a.exchange < b.exchange ? -1 : a.exchange > b.exchange ? 1 : 0),
      );
  } catch (err) {
    if (!(err instanceof AddressError) || err.code !== 'ERR_DNS_NO_DATA') throw err;
    const addresses = await lookupAll(name, options).catch(() => []);
    if (addresses.length === 0) throw err;
    return [{ exchange: name, priority: 0, implicit: true }];
  }
}

/**
 * The SRV targets of `name` (`_imap._tcp.example.test`) in RFC 2782 order: by priority,
 * and within one priority by weighted random choice (`random` makes it reproducible).
 * @param name the service name, `_service._proto.domain`
 * @param options servers, timeout, tries, and `random` (0 <= x < 1) for the weighted choice
 * @returns the targets in the order to try them
 * @throws {AddressError} `ERR_DNS_NOT_FOUND`, `ERR_DNS_NO_DATA`, `ERR_DNS_TIMEOUT` or `ERR_DNS_FAILED`
 * @example await resolveSrv('_imap._tcp.netlab.test', { servers: ['127.0.0.1:5353'] })
 */
export async function resolveSrv(
  name: string,
  options: DnsOptions & { random?: () => number } = {},
): Promise<SrvRecord[]> {
  const records = await ask(options, `SRV ${quote(name)}`, (r) => r.resolveSrv(name));
  return orderSrv(records, options.random ?? Math.random);
}

/**
 * RFC 2782's ordering: ascending priority; within a priority, pick by weight, repeatedly.
 * Never throws; the input array is not changed.
 * @param records SRV records in any order
 * @param random a source of numbers in [0, 1); `Math.random` by default
 * @returns the records in the order to try them
 * @example orderSrv([{ name: 'b', port: 1, priority: 20, weight: 0 }, { name: 'a', port: 1, priority: 10, weight: 0 }]).map((r) => r.name) // ['a', 'b']
 */
export function orderSrv(records: SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    // Zero-weight records first, so they have a small chance of being picked (RFC 2782).
    const pool = byPriority.get(priority)!.sort((a, b) => a.weight - b.weight);
    while (pool.length > 0) {
      const total = pool.reduce((sum, r) => sum + r.weight, 0);
      const target = random() * total;
      let running = 0;
      let index = 0;
      for (; index < pool.length - 1; index++) {
        running += pool[index]!.weight;
        if (running >= target) break;
      }
      out.push(...pool.splice(index, 1));
    }
  }
  return out;
}

/**
 * The TXT records of `name`, each record's strings joined (RFC 7208 §3.3 style).
 * @param name the name to ask about
 * @param options servers, timeout and tries
 * @returns one string per record
 * @throws {AddressError} `ERR_DNS_NOT_FOUND`, `ERR_DNS_NO_DATA`, `ERR_DNS_TIMEOUT` or `ERR_DNS_FAILED`
 * @example await resolveTxt('netlab.test', { servers: ['127.0.0.1:5353'] }) // ['v=spf1 -all']
 */
export async function resolveTxt(name: string, options: DnsOptions = {}): Promise<string[]> {
  const records = await ask(options, `TXT ${quote(name)}`, (r) => r.resolveTxt(name));
  return records.map((chunks) => chunks.join(''));
}

/**
 * The names of an address (PTR records under in-addr.arpa or ip6.arpa).
 * @param address an IP address, as text or parsed
 * @param options servers, timeout and tries
 * @returns the names, as the server gives them
 * @throws {AddressError} `ERR_INVALID_ADDRESS` for a bad address; DNS errors as {@link resolveA}
 * @example await resolvePtr('192.0.2.7', { servers: ['127.0.0.1:5353'] }) // ['ptr.netlab.test']
 */
export async function resolvePtr(
  address: string | IPAddress,
  options: DnsOptions = {},
): Promise<string[]> {
  const parsed = typeof address === 'string' ? parseAddress(address) : address;
  const name = parsed.reversePointer();
  return ask(options, `PTR ${name}`, (r) => r.resolvePtr(name));
}
