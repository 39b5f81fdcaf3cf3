/** One server-side connection: its state, its outbox, replies and kicks. */
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { debuglog } from 'node:util';
import type { RoomBus } from './bus.ts';
import { readRequests } from './intake.ts';
import { type Flusher, Outbox } from './outbox.ts';
import type { ClientMessage, Limits, ServerMessage } from './protocol.ts';
import type { Room, RoomRegistry } from './rooms.ts';
import type { Counters } from './stats.ts';
import { encodeFrame, type TraceHook, unframe } from './wire.ts';

const debug = debuglog('tcp-chat');

/** Everything sessions share: the server's state, limits and counters. */
export interface ServerContext {
  limits: Limits;
  maxQueueBytes: number;
  floodStrikes: number;
  helloTimeout: number;
  historyOnJoin: number;
  maxRoomsPerClient: number;
  /** This server's rooms (with Redis: local replicas of the rooms its clients are in). */
  rooms: RoomRegistry;
  /** Nicks of this server's sessions. */
  nicks: Map<string, Session>;
  sessions: Set<Session>;
  counters: Counters;
  flusher: Flusher;
  events: EventEmitter;
  trace: TraceHook | undefined;
  bus: RoomBus;
  dispatch(session: Session, msg: ClientMessage): void | Promise<void>;
}

export class Session {
  nick = '';
  token = '';
  readonly rooms = new Map<string, Room>();
  readonly outbox: Outbox;
  readonly opened = performance.now();
  lastSeen = performance.now();
  pinged = false;
  closing = false;

  constructor(
    readonly id: string,
    readonly socket: Socket,
    readonly peer: string,
    readonly ctx: ServerContext,
  ) {
    this.outbox = new Outbox(socket, ctx.flusher, ctx.maxQueueBytes, (queued) => {
      ctx.counters.slowConsumerKicks++;
      this.kick(
        'ERR_SLOW_CONSUMER',
        `outbound queue reached ${queued} bytes (max ${ctx.maxQueueBytes}): not reading`,
      );
    });
    readRequests(this);
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
    if (this.ctx.trace) this.traceOut(frame);
  }

  reply(msg: ServerMessage): void {
    this.send(encodeFrame(msg));
  }

  error(code: string, message: string, re?: number): void {
    this.reply({ type: 'error', code, message, re });
  }

  /**
   * Ends the connection with an error frame (unless `error: false`) and a bye, written after
   * whatever is queued (they bypass the queue bound). A peer that does not read them within
   * 2 s is destroyed.
   */
  kick(code: string, message: string, { error = true } = {}): void {
    if (this.closing) return;
    this.closing = true;
    debug('kick %s %s: %s %s', this.peer, this.nick, code, message);
    this.ctx.events.emit('kick', { nick: this.nick, peer: this.peer, code, message });
    // Out of every room now, not when the socket finally closes: no more fan-out to it.
    this.ctx.bus.release(this);
    const frames = [encodeFrame({ type: 'bye', code, reason: message })];
    // A shutdown is not the client's fault: it gets only the bye. Kicks say why as an error too.
    if (error) frames.unshift(encodeFrame({ type: 'error', code, message }));
    for (const f of frames) {
      if (this.ctx.trace) this.traceOut(f);
      this.outbox.last(f);
    }
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  traceOut(frame: Buffer): void {
    const { payload, msg } = unframe(frame);
    this.ctx.trace?.('out', this.peer, payload, msg);
  }
}
