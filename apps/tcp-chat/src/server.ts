/** The chat server: accepts TCP (or TLS) connections and runs one Session per client. */
import { EventEmitter } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { acceptor, sweepSessions } from './accept.ts';
import type { RoomBus } from './bus.ts';
import { Flusher } from './flusher.ts';
import { dispatch } from './handlers.ts';
import { createLocalBus } from './local-bus.ts';
import { DEFAULT_PORT, type Limits } from './protocol.ts';
import { createRedisBus, type RedisBusOptions } from './redis-bus.ts';
import { RoomRegistry } from './room-registry.ts';
import type { ServerContext } from './session.ts';
import { type Counters, formatStatsLine, newCounters } from './stats.ts';
import type { TraceHook } from './wire.ts';

export interface ServerOptions {
  /** Largest frame a client may send, in bytes (default 64 KiB). */
  maxFrame?: number;
  /** Connections open at once, in total and from one IP address (defaults 1,000 and 100). */
  maxConnections?: number;
  maxConnectionsPerIp?: number;
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

export interface ChatServer extends EventEmitter {
  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, says bye to everyone, waits for them to go (destroys after `graceMs`). */
  close(graceMs?: number): Promise<void>;
  counters(): Counters;
}

export function createServer(options: ServerOptions = {}): ChatServer {
  const limits: Limits = {
    maxFrame: options.maxFrame ?? 64 * 1024,
    rate: options.rate ?? 20,
    burst: options.burst ?? 40,
    history: options.historySize ?? 200,
    pingInterval: options.pingInterval ?? 30_000,
    idleTimeout: options.idleTimeout ?? 90_000,
  };
  const maxConnections = options.maxConnections ?? 1000;
  const maxPerIp = options.maxConnectionsPerIp ?? 100;
  const events = new EventEmitter() as ChatServer;
  const ctx: ServerContext = {
    limits,
    maxQueueBytes: options.maxQueueBytes ?? 1024 * 1024,
    stallMs: options.stallMs ?? 5000,
    floodStrikes: options.floodStrikes ?? 20,
    helloTimeout: options.helloTimeout ?? 10_000,
    historyOnJoin: options.historyOnJoin ?? 20,
    maxRoomsPerClient: options.maxRoomsPerClient ?? 50,
    rooms: new RoomRegistry(options.maxRooms ?? 1000, limits.history, options.emptyRoomTtl),
    nicks: new Map(),
    sessions: new Set(),
    counters: newCounters(),
    kicks: new Map(),
    flusher: new Flusher(),
    events,
    trace: options.trace,
    bus: undefined as unknown as RoomBus, // set just below: the bus needs the context
    dispatch: (s, msg) => dispatch(ctx, s, msg),
  };
  ctx.bus = options.redis ? createRedisBus(ctx, options.redis) : createLocalBus(ctx);
  const onSocket = acceptor(ctx, { maxConnections, maxPerIp });

  const server = options.tls
    ? tls.createServer({ cert: options.tls.cert, key: options.tls.key }, onSocket)
    : net.createServer(onSocket);
  // A failed TLS handshake never becomes a session; count it and move on.
  server.on('tlsClientError', (err) => events.emit('socket-error', 'tls', err));

  const sweep = setInterval(() => sweepSessions(ctx), 1000);
  sweep.unref();
  const stopLagWatch = ctx.flusher.watchLag();
  let prev = { ...ctx.counters };
  const statsTimer =
    options.log && options.statsInterval
      ? setInterval(() => {
          options.log?.(formatStatsLine(ctx.counters, prev, options.statsInterval! / 1000));
          prev = { ...ctx.counters };
        }, options.statsInterval)
      : undefined;
  statsTimer?.unref();

  events.listen = async (port = DEFAULT_PORT, host = '127.0.0.1') => {
    await ctx.bus.start(); // a cluster member accepts nobody until Redis answers
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host }, () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      });
    });
  };
  events.counters = () => ({ ...ctx.counters });
  events.close = async (graceMs = 4000) => {
    clearInterval(sweep);
    stopLagWatch();
    if (statsTimer) clearInterval(statsTimer);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of ctx.sessions)
      s.kick('ERR_SERVER_SHUTDOWN', 'server shutting down', { error: false });
    if (ctx.sessions.size > 0) {
      const drained = new Promise((resolve) => events.once('drained', resolve));
      const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([drained, timer]);
      for (const s of ctx.sessions) s.socket.destroy();
    }
    await closed;
    await ctx.bus.stop();
  };
  return events;
}
