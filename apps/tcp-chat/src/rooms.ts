/** Rooms: members, a per-room sequence number and a bounded history of encoded frames. */

/** What a room needs from a connection: a nick, a way to queue a frame, its backlog. */
export interface Member {
  readonly nick: string;
  send(frame: Buffer): void;
  /** Its outbound queue is over the backlog mark (see outbox.ts). */
  readonly backedUp: boolean;
  /** Its outbound queue is past its bound, kept because it is still reading. */
  readonly over: boolean;
  /** Lets it read again after `hold('room')` (a sender paused by a congested room). */
  unhold(reason: string): void;
}

/** One stored message: its sequence number and the exact frame every member received. */
export interface HistoryEntry {
  seq: number;
  frame: Buffer;
}

/** A chat room. History is a ring of the last `historySize` frames, replayed byte for byte. */
export class Room {
  readonly members = new Set<Member>();
  /** Sequence number of the last message said here; 0 before the first. */
  seq = 0;
  /** Members whose outbound queue is backed up, and those past their bound. */
  backlogged = 0;
  overBound = 0;
  /** Senders paused until the room is no longer congested. */
  readonly waiting = new Set<Member>();
  /** When the last member left (performance.now()); undefined while anyone is in. */
  emptySince: number | undefined = performance.now();
  readonly #ring: (HistoryEntry | undefined)[];

  constructor(
    readonly name: string,
    readonly historySize: number,
  ) {
    this.#ring = new Array(historySize);
  }

  /**
   * The room's senders must wait: a member still reading is past its bound, or half the
   * members (two at least) are backed up, so the room as a whole is behind (the server, or
   * the machine its readers share, cannot keep up). Overload then costs latency instead of
   * readers kicked one after another. A member that stops reading is kicked (session.ts).
   */
  get congested(): boolean {
    if (this.overBound > 0) return true;
    return this.backlogged >= 2 && this.backlogged * 2 >= this.members.size;
  }

  admit(m: Member): void {
    this.members.add(m);
    this.emptySince = undefined;
    if (m.backedUp) this.backlogged++;
    if (m.over) this.overBound++;
  }

  dismiss(m: Member): void {
    if (!this.members.delete(m)) return;
    this.waiting.delete(m);
    if (m.backedUp) this.backlogged--;
    if (m.over) this.overBound--;
    if (this.members.size === 0) this.emptySince = performance.now();
    this.#release();
  }

  /** A member's queue crossed the backlog mark (up) or drained (down). */
  backlog(up: boolean): void {
    this.backlogged += up ? 1 : -1;
    if (!up) this.#release();
  }

  /** A member's queue went past its bound (up) or came back under it (down). */
  overflowing(up: boolean): void {
    this.overBound += up ? 1 : -1;
    if (!up) this.#release();
  }

  /** Pauses a sender until the room catches up (the caller already held its reading). */
  wait(m: Member): void {
    this.waiting.add(m);
  }

  #release(): void {
    if (this.congested || this.waiting.size === 0) return;
    const waiting = [...this.waiting];
    this.waiting.clear();
    // Not now: this may run inside a publish (a member kicked mid fan-out), and a released
    // sender's waiting lines would publish into it, out of order for the members not yet
    // reached. After the current fan-out, they go in order.
    queueMicrotask(() => {
      for (const m of waiting) m.unhold('room');
    });
  }

  /** Claims the next sequence number; the caller encodes the message with it. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** Stores an already-encoded message and queues it to every member (encoded once, shared). */
  publish(seq: number, frame: Buffer): void {
    if (this.historySize > 0) this.#ring[seq % this.historySize] = { seq, frame };
    for (const m of this.members) m.send(frame);
  }

  /** A message numbered elsewhere (Redis): becomes the last one here, stored and fanned out. */
  append(seq: number, frame: Buffer): void {
    this.seq = seq;
    this.publish(seq, frame);
  }

  /** Forgets every message: the room's shared log was lost and its numbering starts over. */
  reset(): void {
    this.seq = 0;
    this.#ring.fill(undefined);
  }

  /** Sends a frame to every member except `except` (presence events are not stored). */
  broadcast(frame: Buffer, except?: Member): void {
    for (const m of this.members) if (m !== except) m.send(frame);
  }

  /** Oldest sequence number still held in history (seq + 1 when history is empty). */
  oldestSeq(): number {
    return Math.max(1, this.seq - Math.min(this.historySize, this.seq) + 1);
  }

  /**
   * Messages with a sequence number above `since`, oldest first, capped at `limit`.
   * `complete` is false when some of them already fell out of the ring: the client has a gap
   * it cannot fill, and says so rather than pretending nothing was missed.
   */
  since(since: number, limit = this.historySize): { entries: HistoryEntry[]; complete: boolean } {
    const from = Math.max(since + 1, this.oldestSeq(), this.seq - limit + 1);
    const entries: HistoryEntry[] = [];
    for (let s = from; s <= this.seq; s++) {
      const e = this.#ring[s % this.historySize];
      if (e?.seq === s) entries.push(e);
    }
    return { entries, complete: from <= since + 1 };
  }
}
