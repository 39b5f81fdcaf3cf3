/**
 * Unauthenticated connections, bounded like sshd's MaxStartups and PerSourceMaxStartups: each
 * holds a socket, ssh2's key exchange state and a grace timer until it logs in, so a flood of
 * them would hold memory for the whole login grace time. Past the bounds new ones are closed
 * at once; a per-source bound keeps one flooding source from locking out every other.
 */
import { STARTUP_DEFAULTS } from './protocol.ts';

export interface StartupLimits {
  /** Unauthenticated connections at once, all sources (sshd's MaxStartups; default 256). */
  maxStartups: number;
  /**
   * Unauthenticated connections at once from one source (default 64: above a fan-out of 50
   * sessions from one client, as the bench's `exec -H` opens, yet a quarter of the total).
   */
  perSourceMaxStartups: number;
}

export class Startups {
  private total = 0;
  private readonly bySource = new Map<string, number>();
  refusedCount = 0;

  constructor(readonly limits: StartupLimits = STARTUP_DEFAULTS) {}

  /** A slot for a new connection (call the result once it logs in or closes), or why not. */
  take(source: string): (() => void) | string {
    const mine = this.bySource.get(source) ?? 0;
    if (this.total >= this.limits.maxStartups || mine >= this.limits.perSourceMaxStartups) {
      this.refusedCount++;
      return this.total >= this.limits.maxStartups
        ? `${this.total} unauthenticated connections (max ${this.limits.maxStartups})`
        : `${mine} unauthenticated connections from ${source} (max ${this.limits.perSourceMaxStartups})`;
    }
    this.total++;
    this.bySource.set(source, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.bySource.get(source) ?? 1) - 1;
      if (left > 0) this.bySource.set(source, left);
      else this.bySource.delete(source); // the map holds only sources with a connection open
    };
  }
}
