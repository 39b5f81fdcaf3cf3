/** DNS helpers over node:dns with timeouts: A/AAAA and lookupAll (the records mail and services use: dns-records.ts). */
import { Resolver, lookup as systemLookup } from 'node:dns/promises';
import { debuglog } from 'node:util';
import { parseAddress } from './address.ts';
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

/** One query on a fresh Resolver with `options`, c-ares errors mapped to AddressError (for dns-records.ts). */
export async function ask<T>(
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
