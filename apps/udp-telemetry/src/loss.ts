/** Per-source loss accounting from sequence numbers: received, lost, reordered, duplicated. */

/**
 * How far behind the highest sequence number a datagram may arrive and still be told apart
 * as reordered or duplicated. Older ones are counted as `late` (we no longer know which).
 */
export const WINDOW = 4096;

export interface SourceStats {
  source: string;
  /** Distinct datagrams received. */
  received: number;
  /** Sequence numbers skipped and not (yet) seen: a datagram that turns up later is moved back. */
  lost: number;
  /** Datagrams that arrived after one with a higher sequence number. */
  reordered: number;
  /** Extra copies of a datagram already received. */
  duplicated: number;
  /** Arrived more than WINDOW behind the highest sequence number; neither lost nor received. */
  late: number;
  /** Times the source restarted its sequence (a jump back by more than WINDOW). */
  restarts: number;
  highest: number;
  /** The lowest sequence number seen: a datagram below it was never counted lost. */
  lowest: number;
  lastSeen: number;
}

/** Sliding bitmap of the last WINDOW sequence numbers of one source. */
class SourceTracker {
  readonly stats: SourceStats;
  private readonly seen = new Uint8Array(WINDOW);

  constructor(source: string, seq: number, now: number) {
    this.stats = {
      source,
      received: 1,
      lost: 0,
      reordered: 0,
      duplicated: 0,
      late: 0,
      restarts: 0,
      highest: seq,
      lowest: seq,
      lastSeen: now,
    };
    this.seen[seq % WINDOW] = 1;
  }

  add(seq: number, now: number) {
    const s = this.stats;
    s.lastSeen = now;
    if (seq > s.highest) {
      // Every number between the old highest and this one is missing for now; clear their
      // slots (they last held numbers WINDOW older) so a late arrival is recognised.
      const gap = seq - s.highest - 1;
      for (let n = s.highest + 1; n < seq && n <= s.highest + WINDOW; n++)
        this.seen[n % WINDOW] = 0;
      s.lost += gap;
      s.highest = seq;
      this.seen[seq % WINDOW] = 1;
      s.received++;
    } else if (seq > s.highest - WINDOW) {
      if (this.seen[seq % WINDOW] === 1) s.duplicated++;
      else {
        this.seen[seq % WINDOW] = 1;
        s.reordered++;
        s.received++;
        if (seq > s.lowest)
          s.lost--; // it was inside a counted gap
        else {
          // Below the first one seen (the source's first datagrams overtaken): the numbers
          // between it and the old lowest are missing now, and were never counted.
          s.lost += s.lowest - seq - 1;
          s.lowest = seq;
        }
      }
    } else if (s.highest - seq > WINDOW * 16) {
      // Far behind: the agent restarted with the same id. Start over from here.
      s.restarts++;
      s.highest = seq;
      s.lowest = seq;
      this.seen.fill(0);
      this.seen[seq % WINDOW] = 1;
      s.received++;
    } else s.late++;
  }
}

export class LossAccounting {
  private readonly sources = new Map<string, SourceTracker>();

  constructor(private readonly maxSources = 10_000) {}

  /** Records one datagram. Returns false if it is a duplicate (its samples should be skipped). */
  add(source: string, seq: number, now = Date.now()): boolean {
    const tracker = this.sources.get(source);
    if (tracker === undefined) {
      // Bounded: beyond maxSources a new source evicts the one heard from least recently.
      if (this.sources.size >= this.maxSources) this.evictOldest();
      this.sources.set(source, new SourceTracker(source, seq, now));
      return true;
    }
    const before = tracker.stats.duplicated + tracker.stats.late;
    tracker.add(seq, now);
    return tracker.stats.duplicated + tracker.stats.late === before;
  }

  private evictOldest() {
    let oldest: SourceTracker | undefined;
    for (const t of this.sources.values())
      if (!oldest || t.stats.lastSeen < oldest.stats.lastSeen) oldest = t;
    if (oldest) this.sources.delete(oldest.stats.source);
  }

  /** Forgets sources silent since `before` (ms since the epoch). */
  expire(before: number) {
    for (const [key, t] of this.sources) if (t.stats.lastSeen < before) this.sources.delete(key);
  }

  get(source: string): SourceStats | undefined {
    const s = this.sources.get(source)?.stats;
    return s && { ...s };
  }

  list(): SourceStats[] {
    return [...this.sources.values()].map((t) => ({ ...t.stats }));
  }
}
