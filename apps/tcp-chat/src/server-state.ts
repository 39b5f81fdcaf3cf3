/** A server's options and the state its sessions share (limits, rooms, nicks, counters, the bus). */
import type { EventEmitter } from 'node:events';
import type { RoomBus } from './bus.ts';
import { Flusher } from './flusher.ts';
import { dispatch } from './handlers.ts';
import type { ClientMessage, Limits } from './protocol.ts';
import type { RedisBusOptions } from './redis-url.ts';
import { RoomRegistry } from './room-registry.ts';
import type { ServerContext, Session } from './session.ts';
import { newCounters } from './stats.ts';
import type { TraceHook } from './trace.ts';

export interface ServerOptions {
  /** Largest frame a client may send, in bytes (default 64 KiB). */
  maxFrame?: number;
  /** Connections open at once, in total and from one IP address (defaults 1,000 and 100). */
  maxConnections?: number;
  maxConnectionsPerIp?: number;
  /**
   * Who may connect: `allow` and `deny` networks or addresses (deny wins; no allow: everyone
   * not denied), and the IPv6 prefix a client counts as for the per-IP cap (default 64).
   */
  allow?: string[];
  deny?: string[];
  ipv6Prefix?: number;
  /** Token bucket per connection: messages per second and burst (defaults 20 and 40; 0 = off). */
  rate?: number;
  burst?: number;
  /** Dropped or invalid messages tolerated before a flood kick (refilled 1/s; default 20). */
  floodStrikes?: number;
  /** Messages kept per room, and how many a plain join replays (defaults 200 and 20). */
  historySize?: number;
  historyOnJoin?: number;
  /** Rooms on the server (default 1,000; empty ones make way) and per client (default 50). */
  maxRooms?: number;
  maxRoomsPerClient?: number;
  /** How long an empty room keeps its numbering and history, in ms (default 60,000). */
  emptyRoomTtl?: number;
  /**
   * Outbound bytes held per client before it is kicked as a slow consumer (default 1 MiB),
   * unless its whole room is behind: then its senders are paused and it may hold 4x this.
   */
  maxQueueBytes?: number;
  /** A backed-up client whose socket has not drained for this long is kicked (default 5,000 ms). */
  stallMs?: number;
  /** Milliseconds of silence before a ping, before an idle kick, and to say hello. */
  pingInterval?: number;
  idleTimeout?: number;
  helloTimeout?: number;
  /** PEM certificate and key: serve TLS instead of plain TCP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Called for every frame in and out (`--trace`). */
  trace?: TraceHook;
  /** Periodic counters line, every `statsInterval` ms (0 = never, the default). */
  log?: (line: string) => void;
  statsInterval?: number;
  /**
   * Share rooms, nicks, history and sequence numbers with other servers through Redis
   * (`--redis URL`). Without it everything lives in this process.
   */
  redis?: RedisBusOptions;
}

/**
 * What every session of one server shares. The room bus is made from the finished state
 * (`makeBus(this)`, last in the constructor): the bus keeps a reference and reads it later.
 */
export class SharedState implements ServerContext {
  readonly limits: Limits;
  readonly maxQueueBytes: number;
  readonly stallMs: number;
  readonly floodStrikes: number;
  readonly helloTimeout: number;
  readonly historyOnJoin: number;
  readonly maxRoomsPerClient: number;
  readonly rooms: RoomRegistry;
  readonly nicks = new Map<string, Session>();
  readonly sessions = new Set<Session>();
  readonly counters = newCounters();
  readonly kicks = new Map<string, number>();
  readonly flusher = new Flusher();
  readonly bus: RoomBus;

  constructor(
    options: ServerOptions,
    readonly events: EventEmitter,
    readonly trace: TraceHook | undefined,
    makeBus: (ctx: ServerContext) => RoomBus,
  ) {
    this.limits = {
      maxFrame: options.maxFrame ?? 64 * 1024,
      rate: options.rate ?? 20,
      burst: options.burst ?? 40,
      history: options.historySize ?? 200,
      pingInterval: options.pingInterval ?? 30_000,
      idleTimeout: options.idleTimeout ?? 90_000,
    };
    this.maxQueueBytes = options.maxQueueBytes ?? 1024 * 1024;
    this.stallMs = options.stallMs ?? 5000;
    this.floodStrikes = options.floodStrikes ?? 20;
    this.helloTimeout = options.helloTimeout ?? 10_000;
    this.historyOnJoin = options.historyOnJoin ?? 20;
    this.maxRoomsPerClient = options.maxRoomsPerClient ?? 50;
    this.rooms = new RoomRegistry(
      options.maxRooms ?? 1000,
      this.limits.history,
      options.emptyRoomTtl,
    );
    this.bus = makeBus(this);
  }

  dispatch(session: Session, msg: ClientMessage): void | Promise<void> {
    return dispatch(this, session, msg);
  }
}
