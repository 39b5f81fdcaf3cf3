/** A session's input side: bytes off the socket, cut into frames, checked, handed on in order. */
import { debuglog } from 'node:util';
import { FramingError } from '@netlab/framing';
import { ChatError } from './errors.ts';
import { InputLimits } from './input-limits.ts';
import type { ClientMessage } from './protocol.ts';
import { RequestOrder } from './request-order.ts';
import type { Session } from './session.ts';
import { createFrameDecoder, decodeRequest } from './wire.ts';

const debug = debuglog('tcp-chat');

/** Reads the session's socket for as long as it lives; returns its intake. */
export function readRequests(s: Session): Intake {
  const { ctx, socket } = s;
  const decoder = createFrameDecoder(ctx.limits.maxFrame);
  const intake = new Intake(s);
  const onFrame = (payload: Buffer) => intake.frame(payload);
  // Each 'data' chunk is whatever the kernel had when Node read the socket: part of a frame,
  // or several glued together (up to 64 KiB per read). The decoder keeps the partial tail
  // and calls onFrame once per whole frame, in order.
  socket.on('data', (chunk: Buffer) => {
    // Counted even after a kick: what arrives is input, read or not.
    ctx.counters.bytesIn += chunk.length;
    if (s.closing) return;
    try {
      decoder.write(chunk, onFrame);
      // Under overload, a full tick pauses this socket until the flush (flusher.ts).
      if (!intake.busy) ctx.flusher.throttle(s);
    } catch (err) {
      // The connection boundary owns errors: this peer goes, the server stays. A framing
      // error means the byte stream can no longer be cut into messages: nothing after it
      // can be trusted, so the reason goes out and the connection ends.
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

/** What happens to each whole frame a session sends. */
export class Intake {
  /** Rate limit and flood strikes: a layer of their own (input-limits.ts). */
  readonly #limits: InputLimits;
  /** One request at a time while the bus or a room is behind (request-order.ts). */
  readonly #order: RequestOrder;

  constructor(private readonly s: Session) {
    this.#limits = new InputLimits(s);
    this.#order = new RequestOrder(s, this.#limits);
  }

  /** An earlier request still waits on the bus: what follows waits too. */
  get busy(): boolean {
    return this.#order.busy;
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
      // A well-framed but invalid message: the stream is still in step, so the client is
      // told which field was wrong and stays; repeated ones count as flooding.
      s.ctx.trace?.('in', s.peer, payload, err);
      s.error(err.code, err.message);
      this.#limits.strike();
      return;
    }
    s.ctx.trace?.('in', s.peer, payload, msg);
    if (!this.#limits.admit(msg)) return;
    // Runs it now (ctx.dispatch: handlers.ts routes a `say` to say.ts), unless an earlier
    // request still waits on the cluster's Redis or the room is behind: then it queues.
    this.#order.run(msg);
  }

  /** A room caught up: the requests read while it was behind run now. */
  drain(): void {
    this.#order.drain();
  }
}
