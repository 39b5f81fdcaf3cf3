/** Flow control for one room: counts its backed-up members and pauses its senders while it is behind. */

/** What the flow layer reads of a member: its backlog, and a way to let it read again. */
export interface FlowMember {
  /** Its outbound queue is over the backlog mark (see outbox.ts). */
  readonly backedUp: boolean;
  /** Its outbound queue is past its bound, kept because it is still reading. */
  readonly over: boolean;
  /** Lets it read again after `hold('room')` (a sender paused by a congested room). */
  unhold(reason: string): void;
}

/**
 * A room's congestion: how many members are backed up or past their bound, and the senders
 * paused until it catches up. The room tells it who comes and goes; each member's session
 * tells it when that member's queue crosses a mark (session.ts).
 */
export class RoomFlow {
  /** Members whose outbound queue is backed up, and those past their bound. */
  backlogged = 0;
  overBound = 0;
  /** Senders paused until the room is no longer congested. */
  readonly waiting = new Set<FlowMember>();

  constructor(private readonly members: { readonly size: number }) {}

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

  admitted(m: FlowMember): void {
    if (m.backedUp) this.backlogged++;
    if (m.over) this.overBound++;
  }

  dismissed(m: FlowMember): void {
    this.waiting.delete(m);
    if (m.backedUp) this.backlogged--;
    if (m.over) this.overBound--;
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
  wait(m: FlowMember): void {
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
}
