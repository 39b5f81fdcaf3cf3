/** One server-side connection: reads frames, enforces limits, queues replies through its outbox. */
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { debuglog } from 'node:util';
import { FramingError } from '@netlab/framing';
import { ChatError } from './errors.ts';
import { type Flusher, Outbox } from './outbox.ts';
import type { ClientMessage, Limits, ServerMessage } from './protocol.ts';
import type { Room, RoomRegistry } from './rooms.ts';
import type { Counters } from './stats.ts';
import { TokenBucket } from './token-bucket.ts';
import { createFrameDecoder, decodeRequest, encodeFrame, type TraceHook, unframe } from './wire.ts';

const debug = debuglog('tcp-chat');

/** Everything sessions share: the server's state, limits and counters. */
export interface ServerContext {
  limits: Limits;
  maxQueueBytes: number;
  floodStrikes: number;
  helloTimeout: number;
  historyOnJoin: number;
  maxRoomsPerClient: number;
  rooms: RoomRegistry;
  nicks: Map<string, Session>;
  sessions: Set<Session>;
  counters: Counters;
  flusher: Flusher;
  events: EventEmitter;
  trace: TraceHook | undefined;
  dispatch(session: Session, msg: ClientMessage): void;
  /** Takes a session out of its rooms and the nick table (idempotent). */
  release(session: Session): void;
}

export class Session {
  nick = '';
  token = '';
  readonly rooms = new Map<string, Room>();
  readonly outbox: Outbox;
  readonly #bucket: TokenBucket;
  /** Dropped messages spend strikes; strikes come back at one per second. Empty: flood kick. */
  readonly #strikes: TokenBucket;
  readonly opened = performance.now();
  lastSeen = performance.now();
  pinged = false;
  closing = false;
  #limited = false;

  constructor(
    readonly id: string,
    readonly socket: Socket,
    readonly peer: string,
    private readonly ctx: ServerContext,
  ) {
    this.outbox = new Outbox(socket, ctx.flusher, ctx.maxQueueBytes, (queued) => {
      ctx.counters.slowConsumerKicks++;
      this.kick(
        'ERR_SLOW_CONSUMER',
        `outbound queue reached ${queued} bytes (max ${ctx.maxQueueBytes}): not reading`,
      );
    });
    this.#bucket = new TokenBucket(ctx.limits.rate, ctx.limits.burst);
    this.#strikes = new TokenBucket(1, ctx.floodStrikes);
    this.#read();
  }

  get welcomed(): boolean {
    return this.nick !== '';
  }

  /** Queues an encoded frame (from a room's fan-out or a reply). */
  send(frame: Buffer): void {
    if (!this.outbox.push(frame)) return;
    this.ctx.counters.messagesOut++;
    this.ctx.counters.bytesOut += frame.length;
    if (this.outbox.highWater > this.ctx.counters.maxQueued) {
      this.ctx.counters.maxQueued = this.outbox.highWater;
    }
    if (this.ctx.trace) this.#traceOut(frame);
  }

  reply(msg: ServerMessage): void {
    this.send(encodeFrame(msg));
  }

  error(code: string, message: string, re?: number): void {
    this.reply({ type: 'error', code, message, re });
  }

  /**
   * Ends the connection with an error frame (unless `error: false`) and a bye, written after whatever is queued
   * (they bypass the queue bound). A peer that does not read them within 2 s is destroyed.
   */
  kick(code: string, message: string, { error = true } = {}): void {
    if (this.closing) return;
    this.closing = true;
    debug('kick %s %s: %s %s', this.peer, this.nick, code, message);
    this.ctx.events.emit('kick', { nick: this.nick, peer: this.peer, code, message });
    // Out of every room now, not when the socket finally closes: no more fan-out to it.
    this.ctx.release(this);
    const frames = [encodeFrame({ type: 'bye', code, reason: message })];
    // A shutdown is not the client's fault: it gets only the bye. Kicks say why as an error too.
    if (error) frames.unshift(encodeFrame({ type: 'error', code, message }));
    for (const f of frames) {
      if (this.ctx.trace) this.#traceOut(f);
      this.outbox.last(f);
    }
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  #traceOut(frame: Buffer): void {
    const { payload, msg } = unframe(frame);
    this.ctx.trace?.('out', this.peer, payload, msg);
  }

  #read(): void {
    const decoder = createFrameDecoder(this.ctx.limits.maxFrame);
    const onFrame = (payload: Buffer) => this.#onFrame(payload);
    this.socket.on('data', (chunk: Buffer) => {
      if (this.closing) return;
      this.ctx.counters.bytesIn += chunk.length;
      this.lastSeen = performance.now();
      this.pinged = false;
      try {
        decoder.write(chunk, onFrame);
        this.ctx.flusher.throttle(this.socket);
      } catch (err) {
        // The connection boundary owns errors: this peer goes, the server stays.
        if (err instanceof FramingError) {
          this.ctx.counters.badFrameKicks++;
          const code = err.code === 'ERR_FRAME_TOO_LARGE' ? err.code : 'ERR_BAD_FRAME';
          this.kick(code, err.message);
        } else {
          debug('session %s: %o', this.peer, err);
          this.kick('ERR_INTERNAL', 'internal error');
        }
      }
    });
  }

  #onFrame(payload: Buffer): void {
    if (this.closing) return;
    this.ctx.counters.messagesIn++;
    let msg: ClientMessage;
    try {
      msg = decodeRequest(payload);
    } catch (err) {
      if (!(err instanceof ChatError)) throw err;
      this.ctx.trace?.('in', this.peer, payload, err);
      this.error(err.code, err.message);
      // Garbage that happens to frame correctly still costs strikes.
      if (!this.#strikes.take()) this.#flood();
      return;
    }
    this.ctx.trace?.('in', this.peer, payload, msg);
    if (msg.type !== 'pong' && !this.#bucket.take()) {
      this.#drop();
      return;
    }
    this.#limited = false;
    this.ctx.dispatch(this, msg);
  }

  /** Rate limit: one error frame per episode (not per dropped message), then strikes. */
  #drop(): void {
    this.ctx.counters.drops++;
    if (!this.#limited) {
      this.#limited = true;
      const { rate, burst } = this.ctx.limits;
      this.error('ERR_RATE_LIMITED', `over ${rate} messages/s (burst ${burst}): message dropped`);
    }
    if (!this.#strikes.take()) this.#flood();
  }

  #flood(): void {
    this.ctx.counters.floodKicks++;
    this.kick('ERR_FLOOD', `more than ${this.ctx.floodStrikes} dropped or invalid messages`);
  }
}
