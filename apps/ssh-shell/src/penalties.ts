/**
 * Per-source penalties for failed logins, after sshd's PerSourcePenalties: failures are
 * counted per source (an IPv4 address, an IPv6 /64, since one host holds a whole /64), each
 * failed attempt is answered after a delay that doubles with the source's failures, and past
 * a budget the source is refused at connect for a penalty time. MaxAuthTries alone limits one
 * connection; an attacker opens more.
 */
import { isIPv6 } from 'node:net';
import { PENALTY_DEFAULTS } from './protocol.ts';

export interface PenaltyOptions {
  /** Failed attempts a source may make before it is refused at connect (default 10). */
  budget: number;
  /** How long a source over budget is refused (default 10 min). */
  penaltyMs: number;
  /** Delay before answering a source's first failure; doubles with each (default 100 ms). */
  delayMs: number;
  maxDelayMs: number;
  /** A source with no failure for this long is forgotten (default 30 min). */
  forgetMs: number;
  /** Sources remembered at most; the least recently failed is forgotten first (default 10000). */
  maxSources: number;
}

/** The source an address counts for: IPv4 as is (also when IPv4-mapped), IPv6 by /64. */
export function sourceKey(address: string | undefined): string {
  if (!address) return '?';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // Expand `::` so the first four groups are the /64 prefix.
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

interface Entry {
  failures: number;
  last: number;
  until: number;
  /** Connections refused during the current penalty. */
  refused: number;
}

export class SourcePenalties {
  readonly o: PenaltyOptions;
  private readonly sources = new Map<string, Entry>();

  constructor(options: Partial<PenaltyOptions> = {}) {
    this.o = { ...PENALTY_DEFAULTS, ...options };
  }

  /** Undefined if the source may connect; else how long it is still refused, and how often. */
  admit(key: string, now = Date.now()): { waitMs: number; count: number } | undefined {
    const e = this.live(key, now);
    if (!e || e.until <= now) return undefined;
    e.refused++;
    return { waitMs: e.until - now, count: e.refused };
  }

  /** Count one failure; returns the delay before answering it and whether the budget is spent. */
  failure(
    key: string,
    now = Date.now(),
  ): { failures: number; delayMs: number; penalised: boolean } {
    const e = this.live(key, now) ?? { failures: 0, last: now, until: 0, refused: 0 };
    e.failures++;
    e.last = now;
    const penalised = e.failures >= this.o.budget;
    if (penalised) {
      e.until = now + this.o.penaltyMs;
      e.refused = 0;
    }
    // Re-inserted last: Map order is then least recently failed first, the eviction order.
    this.sources.delete(key);
    this.sources.set(key, e);
    // Bound: forget the least recently failed sources beyond the limit.
    for (const k of this.sources.keys()) {
      if (this.sources.size <= this.o.maxSources) break;
      this.sources.delete(k);
    }
    const delayMs = Math.min(this.o.maxDelayMs, this.o.delayMs * 2 ** Math.min(e.failures - 1, 20));
    return { failures: e.failures, delayMs, penalised };
  }

  /** A successful login from the source clears it (this server has one user: it knew the secret). */
  success(key: string): void {
    this.sources.delete(key);
  }

  get size(): number {
    return this.sources.size;
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.sources.get(key);
    if (e && e.until <= now && now - e.last > this.o.forgetMs) {
      this.sources.delete(key);
      return undefined;
    }
    return e;
  }
}
