/** One request at a time per session (a layer under intake.ts): requests wait while the bus or a room is behind. */
import { debuglog } from 'node:util';
import type { InputLimits } from './input-limits.ts';
import type { ClientMessage } from './protocol.ts';
import type { Session } from './session.ts';

const debug = debuglog('tcp-chat');

/**
 * Requests waiting while an earlier one waits on the bus (Redis), or while the session's room
 * is behind. Reading pauses as soon as one waits, so only what one read held can pile up: a
 * 64 KiB read is at most 16,384 frames (4-byte headers alone); past that, the client floods.
 */
const MAX_WAITING = 16_384;

/**
 * Runs a session's requests in order: one that waits on the bus holds back the ones after
 * it, and so does a room that is behind (see holdIfCongested): the rest of what was read
 * waits here instead of going out to a room that cannot take it.
 */
export class RequestOrder {
  #waiting: ClientMessage[] = [];
  #next = 0;
  busy = false;

  constructor(
    private readonly s: Session,
    private readonly limits: InputLimits,
  ) {}

  run(msg: ClientMessage): void {
    const { s } = this;
    if (this.busy || s.isHeld('room')) {
      if (this.#waiting.length - this.#next >= MAX_WAITING) {
        this.limits.flood();
        return;
      }
      this.#waiting.push(msg);
      return;
    }
    const pending = s.ctx.dispatch(s, msg);
    if (!pending) return;
    this.busy = true;
    s.hold('bus');
    pending
      .catch((err: unknown) => {
        debug('session %s: %o', s.peer, err);
        s.kick('ERR_INTERNAL', 'internal error');
      })
      .finally(() => {
        this.busy = false;
        this.drain();
        if (!this.busy) s.unhold('bus');
      });
  }

  /** Runs the requests that waited, until one waits again. */
  drain(): void {
    const { s } = this;
    try {
      while (!this.busy && !s.isHeld('room') && this.#next < this.#waiting.length) {
        if (s.closing) break;
        this.run(this.#waiting[this.#next++]!);
      }
    } catch (err) {
      // Outside the socket's data handler now: this catch is the connection boundary.
      debug('session %s: %o', s.peer, err);
      s.kick('ERR_INTERNAL', 'internal error');
    }
    if (this.#next === this.#waiting.length || s.closing) {
      this.#waiting = [];
      this.#next = 0;
    }
  }
}
