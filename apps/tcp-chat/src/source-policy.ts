/** Network policy at accept: who may connect (--allow/--deny CIDRs) and which source a client counts as (IPv6 by prefix). */

import type { Socket } from 'node:net';
import { type IPAddress, parseAddress } from '@netlab/addressing/address';
import { AddressError, type IPNetwork, parseNetwork } from '@netlab/addressing/network';
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
 * Parses one `--allow`/`--deny` value: a CIDR (host bits allowed, `10.1.2.3/8` means its /8)
 * or a bare address (its /32 or /128). Throws UsageError (ERR_USAGE, exit 2) naming the value.
 */
export function parseSource(flag: string, text: string): IPNetwork {
  try {
    return parseNetwork(text, { strict: false });
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    throw new UsageError(
      `${flag} '${text}': ${err.message} (give an address or a CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32)`,
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
  readonly #allow: IPNetwork[];
  readonly #deny: IPNetwork[];
  readonly ipv6Prefix: number;

  constructor({ allow = [], deny = [], ipv6Prefix = 64 }: SourcePolicyOptions = {}) {
    if (!Number.isInteger(ipv6Prefix) || ipv6Prefix < 48 || ipv6Prefix > 128)
      throw new UsageError(`--ipv6-prefix '${ipv6Prefix}': must be 48..128`);
    this.#allow = allow.map((t) => parseSource('--allow', t));
    this.#deny = deny.map((t) => parseSource('--deny', t));
    this.ipv6Prefix = ipv6Prefix;
  }

  /** What this client counts as for the per-source cap. */
  key(remoteAddress: string): string {
    return sourceKey(remoteAddress, this.ipv6Prefix);
  }

  /** Undefined when the address may connect; else why not. Mapped IPv4 is checked as IPv4. */
  check(remoteAddress: string): Refusal | undefined {
    if (this.#allow.length === 0 && this.#deny.length === 0) return undefined;
    let address: IPAddress;
    try {
      const parsed = parseAddress(remoteAddress);
      address = (parsed.version === 6 && parsed.ipv4Mapped) || parsed;
    } catch {
      return this.#allow.length > 0 ? 'not-allowed' : undefined;
    }
    if (this.#deny.some((n) => n.contains(address))) return 'deny';
    if (this.#allow.length > 0 && !this.#allow.some((n) => n.contains(address)))
      return 'not-allowed';
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
