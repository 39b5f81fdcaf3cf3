/** The chat server: accepts TCP (or TLS) connections and runs one Session per client. */
import { EventEmitter } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import { dispatch } from './handlers.ts';
import { Flusher } from './outbox.ts';
import { DEFAULT_PORT, type Limits } from './protocol.ts';
import { release } from './room-handlers.ts';
import { RoomRegistry } from './rooms.ts';
import { type ServerContext, Session } from './session.ts';
import { type Counters, formatStatsLine, newCounters } from './stats.ts';
import { encodeFrame, type TraceHook } from './wire.ts';

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
  maxRooms?: number;
  maxRoomsPerClient?: number;
  /** Outbound bytes held per client before it is kicked as a slow consumer (default 1 MiB). */
  maxQueueBytes?: number;
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
    floodStrikes: options.floodStrikes ?? 20,
    helloTimeout: options.helloTimeout ?? 10_000,
    historyOnJoin: options.historyOnJoin ?? 20,
    maxRoomsPerClient: options.maxRoomsPerClient ?? 50,
    rooms: new RoomRegistry(options.maxRooms ?? 1000, limits.history),
    nicks: new Map(),
    sessions: new Set(),
    counters: newCounters(),
    flusher: new Flusher(),
    events,
    trace: options.trace,
    dispatch: (s, msg) => dispatch(ctx, s, msg),
    release: (s) => release(ctx, s),
  };
  const perIp = new Map<string, number>();
  let nextId = 1;

  const onSocket = (socket: Socket): void => {
    const ip = socket.remoteAddress ?? '?';
    const peer = `${ip.includes(':') ? `[${ip}]` : ip}:${socket.remotePort}`;
    const fromIp = perIp.get(ip) ?? 0;
    if (ctx.sessions.size >= maxConnections || fromIp >= maxPerIp) {
      // Refused politely: one error frame saying which cap was hit, then close.
      ctx.counters.refused++;
      const which = fromIp >= maxPerIp ? `${maxPerIp} from ${ip}` : `${maxConnections} in total`;
      socket.on('error', () => {});
      socket.end(
        encodeFrame({
          type: 'error',
          code: 'ERR_TOO_MANY_CONNECTIONS',
          message: `at most ${which}`,
        }),
      );
      return;
    }
    perIp.set(ip, fromIp + 1);
    socket.setNoDelay(true);
    const s = new Session(String(nextId++), socket, peer, ctx);
    ctx.sessions.add(s);
    ctx.counters.accepted++;
    ctx.counters.connections = ctx.sessions.size;
    socket.on('error', (err) => events.emit('socket-error', peer, err));
    socket.on('close', () => {
      ctx.sessions.delete(s);
      release(ctx, s);
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
      ctx.counters.connections = ctx.sessions.size;
      if (ctx.sessions.size === 0) events.emit('drained');
    });
  };

  const server = options.tls
    ? tls.createServer({ cert: options.tls.cert, key: options.tls.key }, onSocket)
    : net.createServer(onSocket);
  // A failed TLS handshake never becomes a session; count it and move on.
  server.on('tlsClientError', (err) => events.emit('socket-error', 'tls', err));

  const sweep = setInterval(() => sweepSessions(ctx), 1000);
  sweep.unref();
  let prev = { ...ctx.counters };
  const statsTimer =
    options.log && options.statsInterval
      ? setInterval(() => {
          options.log?.(formatStatsLine(ctx.counters, prev, options.statsInterval! / 1000));
          prev = { ...ctx.counters };
        }, options.statsInterval)
      : undefined;
  statsTimer?.unref();

  events.listen = (port = DEFAULT_PORT, host = '127.0.0.1') =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host }, () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      });
    });
  events.counters = () => ({ ...ctx.counters });
  events.close = async (graceMs = 4000) => {
    clearInterval(sweep);
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
  };
  return events;
}

/** Once a second: hello and idle timeouts, and a ping to anyone quiet for `pingInterval`. */
function sweepSessions(ctx: ServerContext): void {
  const now = performance.now();
  const { pingInterval, idleTimeout } = ctx.limits;
  for (const s of ctx.sessions) {
    if (s.closing) continue;
    if (!s.welcomed && now - s.opened > ctx.helloTimeout) {
      ctx.counters.idleKicks++;
      s.kick('ERR_HELLO_REQUIRED', `no hello within ${ctx.helloTimeout} ms`);
    } else if (now - s.lastSeen > idleTimeout) {
      ctx.counters.idleKicks++;
      s.kick('ERR_IDLE_TIMEOUT', `nothing received for ${idleTimeout} ms`);
    } else if (!s.pinged && now - s.lastSeen > pingInterval) {
      s.pinged = true;
      s.reply({ type: 'ping', t: Date.now() });
    }
  }
}
