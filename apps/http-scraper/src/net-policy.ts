/** Where the crawler may connect (#21, SSRF): internal addresses refused at connect time unless allowed. */
import type { LookupFunction } from 'node:net';
import { type IPAddress, parseAddress } from '@netlab/addressing/address';
import { type LookupAddress, lookupAll } from '@netlab/addressing/dns';
import { type NetworkList, parseNetwork, parseNetworkList } from '@netlab/addressing/network';
import { buildConnector } from 'undici';
import { CrawlError } from './errors.ts';

/** Why an address is refused by default; `null` from {@link addressClass} means public. */
export type AddressClass =
  | 'unspecified'
  | 'loopback'
  | 'link-local'
  | 'multicast'
  | 'site-local'
  | 'reserved'
  | 'unique-local'
  | 'private'
  | 'shared';

/** Resolves a host name to every address it has (the crawler's DNS; tests point it at dnsmasq). */
export type Resolve = (name: string) => Promise<LookupAddress[]>;

// RFC 4193 unique local addresses: "private" to the registry, named for what they are.
const UNIQUE_LOCAL = parseNetwork('fc00::/7');

/** The refused class of an address, by the IANA special-purpose registries; null if public. */
export function addressClass(address: IPAddress): AddressClass | null {
  // ::ffff:a.b.c.d reaches the IPv4 host a.b.c.d on a dual-stack socket: judge that address.
  const ip = address.version === 6 ? (address.ipv4Mapped ?? address) : address;
  const c = ip.classify();
  if (c.unspecified) return 'unspecified';
  if (c.loopback) return 'loopback';
  if (c.linkLocal) return 'link-local';
  if (c.multicast) return 'multicast';
  if (c.siteLocal) return 'site-local';
  if (c.reserved) return 'reserved';
  if (UNIQUE_LOCAL.contains(ip)) return 'unique-local';
  // Not globally reachable: RFC 1918, documentation, benchmarking, 6to4, Teredo... (IANA).
  if (c.private) return 'private';
  // 100.64.0.0/10, carrier-grade NAT (RFC 6598): neither private nor global.
  if (!c.global) return 'shared';
  return null;
}

/** What `--allow-net` and the seeds open, and the refusals counted for the summary. */
export class NetPolicy {
  readonly #nets: NetworkList;
  /** Classes a seed on such an address opened for this crawl (a seed on 127.0.0.1: loopback). */
  readonly allowedClasses = new Set<AddressClass>();

  /**
   * @param allowNets `--allow-net` values (checked by args.ts)
   * @param onRefused told of each refused connection: `169.254.169.254 (link-local)`, and why
   */
  constructor(
    allowNets: string[],
    readonly resolve: Resolve,
    readonly onRefused: (what: string, error: CrawlError) => void = () => {},
  ) {
    this.#nets = parseNetworkList(allowNets);
  }

  /** Opens the class of each seed's address: the user asked for that host, by name or not. */
  async allowSeeds(seeds: string[]): Promise<void> {
    for (const seed of seeds) {
      const host = new URL(seed).hostname.replace(/^\[|\]$/g, '');
      // A name is resolved once here; every connection resolves it again and is checked on
      // its own, so a name that answers differently later (DNS rebinding) gains nothing.
      const addresses = await this.resolve(host).catch(() => []);
      for (const { address } of addresses) {
        const cls = addressClass(parseAddress(address));
        if (cls) this.allowedClasses.add(cls);
      }
    }
  }

  /** Null when `text` may be connected to, else the refusal naming the address and its class. */
  refusal(host: string, text: string): CrawlError | null {
    const address = parseAddress(text);
    const cls = addressClass(address);
    if (cls === null || this.allowedClasses.has(cls)) return null;
    // Either spelling of an IPv4 host (a.b.c.d, ::ffff:a.b.c.d) matches a network of the list.
    if (this.#nets.includes(address)) return null;
    const named = host === String(address) ? '' : `${host} resolves to `;
    const error = new CrawlError(
      'ERR_BLOCKED_ADDRESS',
      `${named}${address} (${cls}): not connected to (--allow-net ${address} allows it)`,
    );
    this.onRefused(`${address} (${cls})`, error);
    return error;
  }

  /**
   * undici's `connect` for the Agent: an IP literal is checked before the connector runs; a
   * name goes to net.connect with a `lookup` that checks every address it returns before the
   * socket connects, so the address checked is the address dialled, redirects included.
   */
  connector(options: buildConnector.BuildOptions): buildConnector.connector {
    const connect = buildConnector({ ...options, lookup: this.#lookup });
    return (opts, callback) => {
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      let literal: IPAddress | undefined;
      try {
        literal = parseAddress(host);
      } catch {
        // a name: checked in #lookup
      }
      const refused = literal && this.refusal(host, host);
      if (refused) callback(refused, null);
      else connect(opts, callback);
    };
  }

  // net.connect's lookup (Node's signature): asks `resolve`, refuses the name if any address is
  // refused (a mixed answer is how rebinding hides), else hands on what the caller asked for.
  readonly #lookup: LookupFunction = (hostname, options, callback) => {
    const family = { IPv4: 4, IPv6: 6 }[String(options.family)] ?? Number(options.family ?? 0);
    this.#checked(hostname, family).then(
      (wanted) => {
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };

  async #checked(hostname: string, family: number): Promise<LookupAddress[]> {
    const all = await this.resolve(hostname);
    for (const { address } of all) {
      const refused = this.refusal(hostname, address);
      if (refused) throw refused;
    }
    const wanted = all.filter((a) => !family || a.family === family);
    if (wanted.length > 0) return wanted;
    throw Object.assign(new Error(`${hostname}: no IPv${family} address`), { code: 'ENOTFOUND' });
  }
}

/** The crawler's DNS: the system's resolver, or `--dns` servers (a test's dnsmasq). */
export function dnsResolve(servers: string[]): Resolve {
  return (name) => lookupAll(name, servers.length > 0 ? { servers } : {});
}
