/** Room history (a layer over rooms.ts): the last N frames of a room in a ring, for joins and replay. */

/** One stored message: its sequence number and the exact frame every member received. */
export interface HistoryEntry {
  seq: number;
  frame: Buffer;
}

/** The last `size` frames said in one room, replayed byte for byte (never encoded again). */
export class History {
  readonly #ring: (HistoryEntry | undefined)[];

  constructor(readonly size: number) {
    this.#ring = new Array(size);
  }

  /** Keeps a frame under its sequence number, overwriting the one `size` lines older. */
  keep(seq: number, frame: Buffer): void {
    if (this.size > 0) this.#ring[seq % this.size] = { seq, frame };
  }

  /** Forgets every message: the room's shared log was lost and its numbering starts over. */
  clear(): void {
    this.#ring.fill(undefined);
  }

  /**
   * Messages with a sequence number above `since` up to `last` (the room's seq), oldest first,
   * capped at `limit`. `complete` is false when some of them already fell out of the ring:
   * the client has a gap it cannot fill, and says so rather than pretending nothing was missed.
   */
  since(
    last: number,
    since: number,
    limit = this.size,
  ): { entries: HistoryEntry[]; complete: boolean } {
    const oldest = Math.max(1, last - Math.min(this.size, last) + 1);
    const from = Math.max(since + 1, oldest, last - limit + 1);
    const entries: HistoryEntry[] = [];
    for (let s = from; s <= last; s++) {
      const e = this.#ring[s % this.size];
      if (e?.seq === s) entries.push(e);
    }
    return { entries, complete: from <= since + 1 };
  }
}
