/** DNS helpers over node:dns with timeouts: A/AAAA, MX with the A fallback, SRV, TXT, PTR, lookupAll. */
import { Resolver, lookup as systemLookup } from 'node:dns/promises';
import { debuglog } from 'node:util';
import { type IPAddress, parseAddress } from './address.ts';
import { formatEndpoint, parseEndpoint } from './endpoint.ts';
import { AddressError, quote } from './errors.ts';

const debug = debuglog('addressing');

/**
 * Options shared by every DNS helper.
 * @example await resolveA('app.netlab.test', { servers: ['127.0.0.1:5353'], timeout: 1000, tries: 1 })
 */
export interface DnsOptions {
  /** DNS servers as endpoints (`127.0.0.1:5353`, `[::1]`; port 53 by default). Default: the system's. */
  servers?: string[];
  /** Milliseconds per query attempt (c-ares' timeout); default 2000. */
  timeout?: number;
  /** Attempts per server; default 2. */
  tries?: number;
}

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
 * One address from {@link lookupAll}.
 * @example { address: '::1', family: 6 }
 */
export interface LookupAddress {
  address: string;
  family: 4 | 6;
}

// c-ares error codes: the name does not exist, or exists without records of the asked type.
const NOT_FOUND = new Set(['ENOTFOUND', 'NXDOMAIN']);
const NO_DATA = new Set(['ENODATA']);
const TIMEOUT = new Set(['ETIMEOUT', 'ETIMEDOUT']);

function wrap(err: unknown, what: string): AddressError {
  const code = (err as { code?: string }).code ?? '';
  if (NOT_FOUND.has(code))
    return new AddressError('ERR_DNS_NOT_FOUND', `${what}: no such name (${code})`, { cause: err });
  if (NO_DATA.has(code))
    return new AddressError('ERR_DNS_NO_DATA', `${what}: no records of that type (${code})`, {
      cause: err,
    });
  if (TIMEOUT.has(code))
    return new AddressError('ERR_DNS_TIMEOUT', `${what}: timed out (${code})`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new AddressError('ERR_DNS_FAILED', `${what}: ${message}`, { cause: err });
}

/**
 * A node:dns Resolver with our timeout, tries and servers (parsed as endpoints), for queries
 * the helpers here do not cover. The caller owns it (`resolver.cancel()` stops its queries).
 * @param options servers (IP endpoints, port 53 by default), timeout per attempt, tries
 * @returns the Resolver
 * @throws {AddressError} `ERR_INVALID_ENDPOINT`, `ERR_INVALID_PORT` or `ERR_INVALID_ADDRESS` for a bad server, a host name included
 * @example await createResolver({ servers: ['127.0.0.1:5353'] }).resolveNs('netlab.test')
 */
export function createResolver(options: DnsOptions = {}): Resolver {
  const resolver = new Resolver({ timeout: options.timeout ?? 2000, tries: options.tries ?? 2 });
  if (options.servers) {
    // c-ares reads `1.2.3.4:53` and `[::1]:53`; parseEndpoint checks and normalises them first.
    resolver.setServers(options.servers.map(serverOf));
  }
  return resolver;
}

/** A DNS server endpoint as c-ares wants it; a server must be an IP address (no lookup to find it). */
function serverOf(text: string): string {
  const endpoint = parseEndpoint(text, { defaultPort: 53 });
  if (endpoint.family === 'hostname') {
    throw new AddressError(
      'ERR_INVALID_ADDRESS',
      `DNS server ${quote(text)} must be an IP address, not a name`,
      {
        input: text,
      },
    );
  }
  return formatEndpoint(endpoint);
}

async function ask<T>(
  options: DnsOptions,
  what: string,
  query: (r: Resolver) => Promise<T>,
): Promise<T> {
  const resolver = createResolver(options);
  debug('query %s servers=%j', what, resolver.getServers());
  try {
    return await query(resolver);
  } catch (err) {
    throw wrap(err, what);
  } finally {
    resolver.cancel();
  }
}

/**
 * The IPv4 addresses of `name` (A records).
 * @param name the name to ask about
 * @param options servers, timeout and tries
 * @returns the addresses as dotted-quad text, in the server's order
 * @throws {AddressError} `ERR_DNS_NOT_FOUND`, `ERR_DNS_NO_DATA`, `ERR_DNS_TIMEOUT` or `ERR_DNS_FAILED`
 * @example await resolveA('app.netlab.test', { servers: ['127.0.0.1:5353'] }) // ['127.0.0.1']
 */
export async function resolveA(name: string, options: DnsOptions = {}): Promise<string[]> {
  return ask(options, `A ${quote(name)}`, (r) => r.resolve4(name));
}

/**
 * The IPv6 addresses of `name` (AAAA records).
 * @param name the name to ask about
 * @param options servers, timeout and tries
 * @returns the addresses as RFC 5952 text, in the server's order
 * @throws {AddressError} `ERR_DNS_NOT_FOUND`, `ERR_DNS_NO_DATA`, `ERR_DNS_TIMEOUT` or `ERR_DNS_FAILED`
 * @example await resolveAAAA('app.netlab.test', { servers: ['127.0.0.1:5353'] }) // ['::1']
 */
export async function resolveAAAA(name: string, options: DnsOptions = {}): Promise<string[]> {
  return ask(options, `AAAA ${quote(name)}`, (r) => r.resolve6(name));
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

/**
 * Every address of `name`, like getaddrinfo: an IP literal is returned as it is; with
 * `servers`, A and AAAA are asked in parallel (IPv6 first, RFC 6724's default preference);
 * without, the system resolver (`/etc/hosts`, nsswitch) answers through `dns.lookup`.
 * @param name a host name or an IP literal
 * @param options servers, timeout (default 5000 ms for the system resolver), tries, and
 *   `family` (4 or 6 for one family only; 0, the default, for both)
 * @returns the addresses, IPv6 first when asking `servers`
 * @throws {AddressError} `ERR_DNS_NOT_FOUND` when no address exists, `ERR_DNS_TIMEOUT`, `ERR_DNS_FAILED`
 * @example await lookupAll('localhost') // from /etc/hosts, e.g. [{ address: '127.0.0.1', family: 4 }]
 */
export async function lookupAll(
  name: string,
  options: DnsOptions & { family?: 0 | 4 | 6 } = {},
): Promise<LookupAddress[]> {
  const family = options.family ?? 0;
  try {
    const literal = parseAddress(name);
    if (family === 0 || family === literal.version)
      return [{ address: String(literal), family: literal.version }];
    throw new AddressError(
      'ERR_DNS_NOT_FOUND',
      `${name} is an IPv${literal.version} address, not IPv${family}`,
    );
  } catch (err) {
    if ((err as AddressError).code !== 'ERR_INVALID_ADDRESS') throw err;
  }
  if (!options.servers) return systemLookupAll(name, family, options.timeout ?? 5000);
  const ask6 = family === 4 ? Promise.resolve([]) : optional(resolveAAAA(name, options));
  const ask4 = family === 6 ? Promise.resolve([]) : optional(resolveA(name, options));
  const [v6, v4] = await Promise.all([ask6, ask4]);
  const out: LookupAddress[] = [
    ...v6.map((address) => ({ address, family: 6 as const })),
    ...v4.map((address) => ({ address, family: 4 as const })),
  ];
  if (out.length === 0)
    throw new AddressError('ERR_DNS_NOT_FOUND', `${quote(name)} has no addresses`);
  return out;
}

/** A query whose "no such records" answer is an empty list; other failures still throw. */
async function optional(query: Promise<string[]>): Promise<string[]> {
  try {
    return await query;
  } catch (err) {
    const code = (err as AddressError).code;
    if (code === 'ERR_DNS_NO_DATA' || code === 'ERR_DNS_NOT_FOUND') return [];
    throw err;
  }
}

async function systemLookupAll(
  name: string,
  family: 0 | 4 | 6,
  timeout: number,
): Promise<LookupAddress[]> {
  // getaddrinfo runs on the libuv thread pool and cannot be cancelled: race it against a timer.
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AddressError('ERR_DNS_TIMEOUT', `lookup ${quote(name)}: no answer in ${timeout} ms`),
        ),
      timeout,
    );
  });
  try {
    const found = await Promise.race([
      systemLookup(name, { all: true, family, verbatim: true }),
      expired,
    ]);
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  } catch (err) {
    throw err instanceof AddressError ? err : wrap(err, `lookup ${quote(name)}`);
  } finally {
    clearTimeout(timer);
  }
}
