/** Network policy at accept: who may connect (--allow/--deny CIDRs) and which source a client counts as (IPv6 by prefix). */

import type { Socket } from 'node:net';
import { type IPAddress, parseAddress } from '@netlab/addressing/address';
import {
  AddressError,
  type NetworkList,
  parseNetwork,
  parseNetworkList,
} from '@netlab/addressing/network';
import { UsageError } from '@netlab/cli';
import type { Counters } from './stats.ts';

export interface SourcePolicyOptions {
  /** Networks (or single addresses) that may connect; empty or absent: everyone not denied. */
  allow?: string[];
  /** Networks refused at accept; a deny wins over an allow. */
  deny?: string[];
  /** IPv6 clients count per network of this prefix length (default 64, 48..128). */
  ipv6Prefix?: number;
}

/** Why a connection was refused at accept, as counted in the stats (`refusedBy`). */
export type Refusal = 'deny' | 'not-allowed';

/**
 * Parses the `--allow` or `--deny` values: each a CIDR (host bits allowed, `10.1.2.3/8` means
 * its /8) or a bare address (its /32 or /128). Throws UsageError (ERR_USAGE, exit 2) naming
 * the first bad value.
 */
export function parseSource(flag: string, values: string[]): NetworkList {
  try {
    return parseNetworkList(values, { strict: false });
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    throw new UsageError(
      `${flag} '${err.input}': ${err.message} (give an address or a CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32)`,
      { cause: err },
    );
  }
}

/**
 * RFC 4291 hands a site a /64 (or more), and SLAAC privacy addresses (RFC 8981) let one host
 * take a fresh address in it whenever it likes, so counting IPv6 clients per address caps
 * nothing. They count per prefix instead; an IPv4-mapped client (`::ffff:a.b.c.d`, what a
 * dual-stack `::` listener reports for IPv4) counts as its IPv4 address.
 */
export function sourceKey(remoteAddress: string, ipv6Prefix = 64): string {
  let address: IPAddress;
  try {
    address = parseAddress(remoteAddress);
  } catch {
    return remoteAddress; // not an IP (a socket without a peer): counted as given
  }
  if (address.version === 4) return address.toString();
  const mapped = address.ipv4Mapped;
  if (mapped) return mapped.toString();
  return parseNetwork(`${address.withoutZone()}/${ipv6Prefix}`, { strict: false }).toString();
}

/** The policy a server applies to each accepted socket, before any protocol byte. */
export class SourcePolicy {
  readonly #allow: NetworkList;
  readonly #deny: NetworkList;
  readonly ipv6Prefix: number;

  constructor({ allow = [], deny = [], ipv6Prefix = 64 }: SourcePolicyOptions = {}) {
    if (!Number.isInteger(ipv6Prefix) || ipv6Prefix < 48 || ipv6Prefix > 128)
      throw new UsageError(`--ipv6-prefix '${ipv6Prefix}': must be 48..128`);
    this.#allow = parseSource('--allow', allow);
    this.#deny = parseSource('--deny', deny);
    this.ipv6Prefix = ipv6Prefix;
  }

  /** What this client counts as for the per-source cap. */
  key(remoteAddress: string): string {
    return sourceKey(remoteAddress, this.ipv6Prefix);
  }

  /**
   * Undefined when the address may connect; else why not. An IPv4 client matches a rule in
   * either spelling (`10.0.0.0/8` or `::ffff:10.0.0.0/104`), as a dual-stack listener reports
   * it mapped. Text that is no address (a socket without a peer) is in no list.
   */
  check(remoteAddress: string): Refusal | undefined {
    if (this.#allow.size === 0 && this.#deny.size === 0) return undefined; // no rules: no parsing
    if (this.#deny.includes(remoteAddress)) return 'deny';
    if (this.#allow.size > 0 && !this.#allow.includes(remoteAddress)) return 'not-allowed';
    return undefined;
  }
}

/**
 * At most one log line per `intervalMs` for refusals, with how many were not logged: a
 * denied host reconnecting in a loop must not fill the disk.
 */
export function refusalLog(log: ((line: string) => void) | undefined, intervalMs = 10_000) {
  let last = -Infinity;
  let quiet = 0;
  return (why: Refusal, address: string): void => {
    const now = performance.now();
    if (!log || now - last < intervalMs) {
      quiet++;
      return;
    }
    last = now;
    const more = quiet > 0 ? ` (+${quiet} not logged)` : '';
    quiet = 0;
    log(`refused ${address}: ${why === 'deny' ? 'denied' : 'not allowed'}${more}`);
  };
}

/**
 * The listener's first 'connection' handler: a refused socket is destroyed before it is read
 * or written (before TLS too), so the client sees a plain close and learns nothing of the
 * protocol. Counted by reason, logged at most once per 10 s.
 */
export function screenSources(
  policy: SourcePolicy,
  counters: Counters,
  log?: (line: string) => void,
): (socket: Socket) => void {
  const logRefusal = refusalLog(log);
  return (socket) => {
    const address = socket.remoteAddress ?? '';
    const why = policy.check(address);
    if (!why) return;
    if (why === 'deny') counters.refusedDeny++;
    else counters.refusedNotAllowed++;
    logRefusal(why, address);
    socket.on('error', () => {});
    socket.destroy();
  };
}
