/** A session's input side: frames in, validation, request order (limits: input-limits.ts). */
import { debuglog } from 'node:util';
import { FramingError } from '@netlab/framing';
import { ChatError } from './errors.ts';
import { InputLimits } from './input-limits.ts';
import type { ClientMessage } from './protocol.ts';
import type { Session } from './session.ts';
import { createFrameDecoder, decodeRequest } from './wire.ts';

const debug = debuglog('tcp-chat');

/**
 * Requests waiting while an earlier one waits on the bus (Redis), or while the session's room
 * is behind. Reading pauses as soon as one waits, so only what one read held can pile up: a
 * 64 KiB read is at most 16,384 frames (4-byte headers alone); past that, the client floods.
 */
const MAX_WAITING = 16_384;

/** Reads the session's socket for as long as it lives; returns its intake. */
export function readRequests(s: Session): Intake {
  const { ctx, socket } = s;
  const decoder = createFrameDecoder(ctx.limits.maxFrame);
  const intake = new Intake(s);
  const onFrame = (payload: Buffer) => intake.frame(payload);
  // Each 'data' chunk is whatever the kernel had: part of a frame, or several glued together.
  // The decoder keeps the partial tail and calls onFrame once per whole frame.
  socket.on('data', (chunk: Buffer) => {
    // Counted even after a kick: what arrives is input, read or not.
    ctx.counters.bytesIn += chunk.length;
    if (s.closing) return;
    try {
      decoder.write(chunk, onFrame);
      if (!intake.busy) ctx.flusher.throttle(s);
    } catch (err) {
      // The connection boundary owns errors: this peer goes, the server stays.
      if (err instanceof FramingError) {
        ctx.counters.badFrameKicks++;
        const code = err.code === 'ERR_FRAME_TOO_LARGE' ? err.code : 'ERR_BAD_FRAME';
        s.kick(code, err.message);
      } else {
        debug('session %s: %o', s.peer, err);
        s.kick('ERR_INTERNAL', 'internal error');
      }
    }
  });
  return intake;
}

export class Intake {
  /** Rate limit and flood strikes: a layer of their own (input-limits.ts). */
  readonly #limits: InputLimits;
  #waiting: ClientMessage[] = [];
  #next = 0;
  busy = false;

  constructor(private readonly s: Session) {
    this.#limits = new InputLimits(s);
  }

  frame(payload: Buffer): void {
    const { s } = this;
    if (s.closing) return;
    // Alive means whole frames, not bytes: a peer trickling one frame a byte at a time
    // (slowloris) still runs into the idle timeout.
    s.lastSeen = performance.now();
    s.pinged = false;
    s.ctx.counters.messagesIn++;
    let msg: ClientMessage;
    try {
      msg = decodeRequest(payload);
    } catch (err) {
      if (!(err instanceof ChatError)) throw err;
      s.ctx.trace?.('in', s.peer, payload, err);
      s.error(err.code, err.message);
      this.#limits.strike();
      return;
    }
    s.ctx.trace?.('in', s.peer, payload, msg);
    if (this.#limits.admit(msg)) this.#run(msg);
  }

  /**
   * One request at a time: one that waits on the bus holds back the ones after it, and so
   * does a room that is behind (see holdIfCongested): the rest of what was read waits here
   * instead of going out to a room that cannot take it.
   */
  #run(msg: ClientMessage): void {
    const { s } = this;
    if (this.busy || s.isHeld('room')) {
      if (this.#waiting.length - this.#next >= MAX_WAITING) {
        this.#limits.flood();
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
        this.#run(this.#waiting[this.#next++]!);
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
