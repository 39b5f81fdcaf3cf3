/** One server-side connection: its state, its outbox, replies and kicks. */
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { debuglog } from 'node:util';
import type { RoomBus } from './bus.ts';
import type { Flusher, Holdable } from './flusher.ts';
import { type Intake, readRequests } from './intake.ts';
import { WatchedOutbox, type WatchedOwner } from './outbox-watch.ts';
import type { ClientMessage, Limits, ServerMessage } from './protocol.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Room } from './rooms.ts';
import type { Counters } from './stats.ts';
import { type TraceHook, unframe } from './trace.ts';
import { encodeFrame } from './wire.ts';

const debug = debuglog('tcp-chat');

/** Everything sessions share: the server's state, limits and counters. */
export interface ServerContext {
  limits: Limits;
  maxQueueBytes: number;
  /** A backed-up reader whose socket has not drained for this long is kicked (ms). */
  stallMs: number;
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
  /** Kicks since start, by code (in the `stats` reply as `kick.<CODE>`). */
  kicks: Map<string, number>;
  flusher: Flusher;
  events: EventEmitter;
  trace: TraceHook | undefined;
  bus: RoomBus;
  dispatch(session: Session, msg: ClientMessage): void | Promise<void>;
}

/**
 * Kicks for input no client sends by mistake: the connection stops being read at once (not
 * even discarded), gets its reason, and is destroyed as soon as the reason is written.
 */
const CUT_OFF = new Set(['ERR_FLOOD', 'ERR_FRAME_TOO_LARGE', 'ERR_BAD_FRAME']);

/**
 * A reader past its bound must drain (take a 64 KiB slice) at least this often to be kept:
 * one reading 32 KiB/s or more is waited for; one that stopped is kicked within ~3 s.
 */
const DRAIN_WINDOW_MS = 2000;

export class Session implements Holdable, WatchedOwner {
  nick = '';
  token = '';
  readonly rooms = new Map<string, Room>();
  readonly outbox: WatchedOutbox;
  readonly opened = performance.now();
  lastSeen = performance.now();
  pinged = false;
  closing = false;
  /** Why reading is paused: 'bus' (Redis), 'tick' (flush budget), 'room', 'kicked'. */
  readonly #holds = new Set<string>();
  readonly #intake: Intake;

  constructor(
    readonly id: string,
    readonly socket: Socket,
    readonly peer: string,
    readonly ctx: ServerContext,
  ) {
    this.outbox = new WatchedOutbox(socket, ctx.flusher, ctx.maxQueueBytes, this);
    this.#intake = readRequests(this);
  }

  get welcomed(): boolean {
    return this.nick !== '';
  }

  get backedUp(): boolean {
    return this.outbox.backedUp;
  }

  /** Stops reading this socket (TCP then pushes back on the peer) until every reason is gone. */
  hold(reason: string): void {
    if (this.#holds.size === 0) this.socket.pause();
    this.#holds.add(reason);
  }

  unhold(reason: string): void {
    if (!this.#holds.delete(reason)) return;
    // A room caught up: what was read while it was behind goes now (and may hold again).
    if (reason === 'room') this.#intake.drain();
    if (this.#holds.size === 0 && !this.socket.destroyed) this.socket.resume();
  }

  isHeld(reason: string): boolean {
    return this.#holds.has(reason);
  }

  get over(): boolean {
    return this.outbox.over;
  }

  /**
   * WatchedOwner: past the bound, a reader is kept only while it is still reading (its socket
   * drained within `DRAIN_WINDOW_MS`); its rooms' senders then wait for it. Which reader is
   * slow cannot be told from queue sizes alone: the kernel buffers megabytes per socket, more
   * for some sockets than for others, so in a room that is behind as a whole one member's
   * queue in Node passes the bound while the others' bytes still sit in their kernels.
   */
  tolerate(): boolean {
    return performance.now() - this.outbox.lastDrain < DRAIN_WINDOW_MS;
  }

  backlog(up: boolean): void {
    for (const room of this.rooms.values()) room.flow.backlog(up);
  }

  overBound(up: boolean): void {
    for (const room of this.rooms.values()) room.flow.overflowing(up);
  }

  overflow(queued: number): void {
    const max = this.ctx.maxQueueBytes;
    this.slowKick(`outbound queue reached ${queued} bytes (max ${max}): not reading`);
  }

  /**
   * From the sweep: a reader past the bound that has not drained for `DRAIN_WINDOW_MS`, or a
   * backed-up one (its senders paused, so it stays under the bound) not for `stallMs`: it
   * stopped reading, and the room stops waiting for it.
   */
  checkSlow(now: number): void {
    const box = this.outbox;
    const idle = now - box.lastDrain;
    if ((box.over && idle > DRAIN_WINDOW_MS) || (box.backedUp && idle > this.ctx.stallMs)) {
      this.slowKick(`${box.queuedBytes} bytes unread for ${Math.round(idle)} ms: not reading`);
    }
  }

  slowKick(message: string): void {
    this.ctx.counters.slowConsumerKicks++;
    this.kick('ERR_SLOW_CONSUMER', message);
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
   * Ends the connection with an error frame (unless `error: false`) and a bye. A slow
   * consumer's queued frames are dropped first, so the reason comes next after what the
   * socket already holds; other kicks send what is queued, then the reason. A flood or a bad
   * frame stops the reading at once and the socket is destroyed once the reason is written;
   * otherwise a peer that does not read the reason within 2 s is destroyed.
   */
  kick(code: string, message: string, { error = true } = {}): void {
    if (this.closing) return;
    this.closing = true;
    debug('kick %s %s: %s %s', this.peer, this.nick, code, message);
    this.ctx.kicks.set(code, (this.ctx.kicks.get(code) ?? 0) + 1);
    this.ctx.events.emit('kick', { nick: this.nick, peer: this.peer, code, message });
    const cut = CUT_OFF.has(code);
    if (cut) this.hold('kicked');
    // Out of every room now, not when the socket finally closes: no more fan-out to it.
    this.ctx.bus.release(this);
    const frames = [encodeFrame({ type: 'bye', code, reason: message })];
    // A shutdown is not the client's fault: it gets only the bye. Kicks say why as an error too.
    if (error) frames.unshift(encodeFrame({ type: 'error', code, message }));
    if (this.ctx.trace) for (const f of frames) this.traceOut(f);
    this.outbox.finish(frames, { drop: code === 'ERR_SLOW_CONSUMER' });
    // 'finish': the reason is with the kernel, which sends it even after the close.
    if (cut) this.socket.once('finish', () => this.socket.destroy());
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  traceOut(frame: Buffer): void {
    const { payload, msg } = unframe(frame);
    this.ctx.trace?.('out', this.peer, payload, msg);
  }
}
