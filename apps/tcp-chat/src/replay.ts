/** The client's side of replay: the last sequence number seen per room, and de-duplication. */
import type { ChatLine, Msg } from './protocol.ts';

/** Per room: the last line seen, and the last one that counts as history of the latest join. */
export interface RoomState {
  lastSeq: number;
  historyTo: number;
}

export type JoinOutcome =
  | { kind: 'ok' }
  /** Lines after what we saw already left the server's history ring. */
  | { kind: 'gap'; from: number; to: number }
  /** The room is younger than what we saw: the server restarted and the room began again. */
  | { kind: 'reset' };

export interface Accepted {
  history: boolean;
  skipped: { from: number; to: number } | undefined;
}

export class RoomTracker {
  readonly rooms = new Map<string, RoomState>();

  /** What to ask for on (re)join: everything after the last line seen, if any. */
  since(room: string): number | undefined {
    return this.rooms.get(room)?.lastSeq;
  }

  /** Records a `joined` reply; the history frames that follow it have seq <= its `seq`. */
  joined(msg: Msg<'joined'>): JoinOutcome {
    const state = this.rooms.get(msg.room) ?? { lastSeq: 0, historyTo: 0 };
    this.rooms.set(msg.room, state);
    state.historyTo = msg.seq;
    if (msg.seq < state.lastSeq) {
      state.lastSeq = 0; // count from the new room's start
      return { kind: 'reset' };
    }
    if (!msg.complete) {
      const gap = { kind: 'gap', from: state.lastSeq + 1, to: msg.seq - msg.history } as const;
      state.lastSeq = gap.to; // reported once, here: the history that follows is contiguous
      return gap;
    }
    return { kind: 'ok' };
  }

  /**
   * Returns whether a line is new (and whether it is history), or undefined for a line already
   * seen or from a room we left: a replay may overlap what arrived before the connection broke,
   * and each line must be delivered exactly once. `skipped` names the lines a live line
   * jumped over (a cluster server overtaken by its stream's trimming); none before the first
   * line seen, since a join starts from recent history on purpose.
   */
  accept(msg: ChatLine): Accepted | undefined {
    const state = this.rooms.get(msg.room);
    if (!state || msg.seq <= state.lastSeq) return undefined;
    const jumped = state.lastSeq > 0 && msg.seq > state.lastSeq + 1;
    const skipped = jumped ? { from: state.lastSeq + 1, to: msg.seq - 1 } : undefined;
    state.lastSeq = msg.seq;
    return { history: msg.seq <= state.historyTo, skipped };
  }

  /** The room's numbering starts over (a cluster's Redis lost it): accept from seq 1 again. */
  restart(room: string): void {
    const state = this.rooms.get(room);
    if (state) {
      state.lastSeq = 0;
      state.historyTo = 0;
    }
  }

  left(room: string): void {
    this.rooms.delete(room);
  }
}
