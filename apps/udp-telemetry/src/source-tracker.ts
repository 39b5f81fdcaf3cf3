/** One source's sequence numbers: a sliding bitmap that tells lost, reordered, duplicated and late apart. */

/**
 * How far behind the highest sequence number a datagram may arrive and still be told apart
 * as reordered or duplicated. Older ones are counted as `late` (we no longer know which).
 */
export const WINDOW = 4096;
/** A jump back by more than this is the source restarting its sequence (a new process). */
export const RESTART_BACK = WINDOW * 16;
/**
 * A jump forward by more than this is not believed as that many lost datagrams: `seq` is not
 * authenticated, and one spoofed `seq: 2**53 - 1` would otherwise add 9e15 to `lost`. It is
 * counted as a restart; at 10,000 datagrams/s it is 100 s of real loss.
 */
export const RESTART_FORWARD = 2 ** 20;

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
  /** Too far behind to tell (more than WINDOW behind, or from before an eviction). */
  late: number;
  /** Times the sequence started over (a jump back by more than 65536, or forward by more than 2^20). */
  restarts: number;
  /** Times the source came back after being evicted to make room for others. */
  resumed: number;
  highest: number;
  /** The lowest sequence number seen: a datagram below it was never counted lost. */
  lowest: number;
  lastSeen: number;
}

export class SourceTracker {
  readonly stats: SourceStats;
  /** One bit per sequence number of the last WINDOW (512 bytes). */
  private readonly seen = new Uint8Array(WINDOW / 8);
  /** After a resume: numbers up to here were counted before the eviction, we no longer know which. */
  private floor = -1;

  /** A new source at `seq`, or one coming back (`resumed` holds its stats from before eviction). */
  constructor(source: string, seq: number, now: number, resumed?: SourceStats) {
    if (resumed) {
      this.stats = { ...resumed, resumed: resumed.resumed + 1 };
      this.floor = resumed.highest;
      this.add(seq, now);
      return;
    }
    this.stats = {
      source,
      received: 1,
      lost: 0,
      reordered: 0,
      duplicated: 0,
      late: 0,
      restarts: 0,
      resumed: 0,
      highest: seq,
      lowest: seq,
      lastSeen: now,
    };
    this.mark(seq, true);
  }

  private has(n: number) {
    return (this.seen[(n % WINDOW) >> 3]! & (1 << (n & 7))) !== 0;
  }
  private mark(n: number, on: boolean) {
    const i = (n % WINDOW) >> 3;
    this.seen[i] = on ? this.seen[i]! | (1 << (n & 7)) : this.seen[i]! & ~(1 << (n & 7));
  }

  add(seq: number, now: number) {
    const s = this.stats;
    s.lastSeen = now;
    if (seq > s.highest && seq - s.highest <= RESTART_FORWARD) {
      // Every number between the old highest and this one is missing for now; clear their
      // slots (they last held numbers WINDOW older) so a late arrival is recognised.
      for (let n = s.highest + 1; n < seq && n <= s.highest + WINDOW; n++) this.mark(n, false);
      s.lost += seq - s.highest - 1;
      s.highest = seq;
      this.mark(seq, true);
      s.received++;
    } else if (seq <= this.floor && s.highest - seq <= RESTART_BACK) {
      s.late++;
    } else if (seq <= s.highest && seq > s.highest - WINDOW) {
      if (this.has(seq)) s.duplicated++;
      else {
        this.mark(seq, true);
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
    } else if (seq > s.highest || s.highest - seq > RESTART_BACK) {
      // Far away either way: the agent restarted with the same id (or someone spoofs it).
      s.restarts++;
      s.highest = seq;
      s.lowest = seq;
      this.floor = -1;
      this.seen.fill(0);
      this.mark(seq, true);
      s.received++;
    } else s.late++;
  }
}
