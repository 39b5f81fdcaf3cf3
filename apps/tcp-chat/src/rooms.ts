/** Rooms: members, a per-room sequence number and a bounded history of encoded frames. */
import { type FlowMember, RoomFlow } from './room-flow.ts';

/** What a room needs from a connection: a nick and a way to queue a frame (plus flow state). */
export interface Member extends FlowMember {
  readonly nick: string;
  /** Queues an encoded frame; the member's outbox writes it at the end of this tick. */
  send(frame: Buffer): void;
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
  /** Backed-up members and paused senders (room-flow.ts): a layer over the fan-out. */
  readonly flow = new RoomFlow(this.members);
  /** When the last member left (performance.now()); undefined while anyone is in. */
  emptySince: number | undefined = performance.now();
  readonly #ring: (HistoryEntry | undefined)[];

  constructor(
    readonly name: string,
    readonly historySize: number,
  ) {
    this.#ring = new Array(historySize);
  }

  admit(m: Member): void {
    this.members.add(m);
    this.emptySince = undefined;
    this.flow.admitted(m);
  }

  dismiss(m: Member): void {
    if (!this.members.delete(m)) return;
    if (this.members.size === 0) this.emptySince = performance.now();
    this.flow.dismissed(m);
  }

  /** Claims the next sequence number; the caller encodes the message with it. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /**
   * Stores an already-encoded message and queues it to every member (encoded once, shared).
   * Nothing is written here: each member's outbox sends its frames in one write per tick.
   */
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
