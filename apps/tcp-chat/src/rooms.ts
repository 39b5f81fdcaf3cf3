/** Rooms: members, a per-room sequence number, and the fan-out of one encoded frame to all. */
import { History } from './history.ts';
import { type FlowMember, RoomFlow } from './room-flow.ts';

/** What a room needs from a connection: a nick and a way to queue a frame (plus flow state). */
export interface Member extends FlowMember {
  readonly nick: string;
  /** Queues an encoded frame; the member's outbox writes it at the end of this tick. */
  send(frame: Buffer): void;
}

/** A chat room. */
export class Room {
  readonly members = new Set<Member>();
  /** Sequence number of the last message said here; 0 before the first. */
  seq = 0;
  /** The last frames said here, for joins and replay (history.ts): a layer. */
  readonly history: History;
  /** Backed-up members and paused senders (room-flow.ts): a layer over the fan-out. */
  readonly flow = new RoomFlow(this.members);
  /** When the last member left (performance.now()); undefined while anyone is in. */
  emptySince: number | undefined = performance.now();

  constructor(
    readonly name: string,
    historySize: number,
  ) {
    this.history = new History(historySize);
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
   * Keeps an already-encoded line and queues the very same Buffer to every member: a socket
   * never changes what it writes, so one copy serves a hundred readers. Nothing is written
   * here; each member's outbox sends what it got this tick in one write (outbox.ts).
   */
  publish(seq: number, frame: Buffer): void {
    this.history.keep(seq, frame);
    for (const m of this.members) m.send(frame);
  }

  /** Sends a frame to every member except `except` (presence events are not stored). */
  broadcast(frame: Buffer, except?: Member): void {
    for (const m of this.members) if (m !== except) m.send(frame);
  }
}
