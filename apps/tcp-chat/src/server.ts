/** The chat server: accepts TCP (or TLS) connections and runs one Session per client. */
import { EventEmitter } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { acceptor, sweepSessions } from './accept.ts';
import { createLocalBus } from './local-bus.ts';
import { DEFAULT_PORT } from './protocol.ts';
import { createRedisBus } from './redis-bus.ts';
import { type ServerOptions, SharedState } from './server-state.ts';
import type { ServerContext } from './session.ts';
import { SourcePolicy, screenSources } from './source-policy.ts';
import { type Counters, formatStatsLine } from './stats.ts';

export type { ServerOptions } from './server-state.ts';

/** A chat server: emits 'kick', 'socket-error' and 'drained' (the last session gone). */
export class ChatServer extends EventEmitter {
  readonly #ctx: ServerContext;
  readonly #server: net.Server;
  readonly #sweep: NodeJS.Timeout;
  readonly #stopLagWatch: () => void;
  readonly #statsTimer: NodeJS.Timeout | undefined;

  constructor(options: ServerOptions = {}) {
    super();
    const { redis } = options;
    // Without --redis the rooms live in this process; with it, in Redis (redis-bus.ts).
    const ctx = new SharedState(options, this, options.trace, (c) =>
      redis ? createRedisBus(c, redis) : createLocalBus(c),
    );
    this.#ctx = ctx;
    const policy = new SourcePolicy(options);
    const onSocket = acceptor(ctx, {
      maxConnections: options.maxConnections ?? 1000,
      maxPerIp: options.maxConnectionsPerIp ?? 100,
      ipv6Prefix: policy.ipv6Prefix,
    });
    this.#server = options.tls
      ? tls.createServer({ cert: options.tls.cert, key: options.tls.key }, onSocket)
      : net.createServer(onSocket);
    // --allow/--deny: runs first on every TCP connection, before TLS or a Session sees it.
    this.#server.prependListener('connection', screenSources(policy, ctx.counters, options.log));
    // A failed TLS handshake never becomes a session; count it and move on.
    this.#server.on('tlsClientError', (err) => this.emit('socket-error', 'tls', err));
    this.#sweep = setInterval(() => sweepSessions(ctx), 1000).unref();
    this.#stopLagWatch = ctx.flusher.watchLag();
    const { log, statsInterval } = options;
    let prev = { ...ctx.counters };
    this.#statsTimer =
      log && statsInterval
        ? setInterval(() => {
            log(formatStatsLine(ctx.counters, prev, statsInterval / 1000));
            prev = { ...ctx.counters };
          }, statsInterval).unref()
        : undefined;
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  async listen(port = DEFAULT_PORT, host = '127.0.0.1'): Promise<AddressInfo> {
    await this.#ctx.bus.start(); // a cluster member accepts nobody until Redis answers
    const server = this.#server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host }, () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      });
    });
  }

  counters(): Counters {
    return { ...this.#ctx.counters };
  }

  /** Stops accepting, says bye to everyone, waits for them to go (destroys after `graceMs`). */
  async close(graceMs = 4000): Promise<void> {
    const ctx = this.#ctx;
    clearInterval(this.#sweep);
    this.#stopLagWatch();
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of ctx.sessions)
      s.kick('ERR_SERVER_SHUTDOWN', 'server shutting down', { error: false });
    if (ctx.sessions.size > 0) {
      const drained = new Promise((resolve) => this.once('drained', resolve));
      const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([drained, timer]);
      for (const s of ctx.sessions) s.socket.destroy();
    }
    await closed;
    await ctx.bus.stop();
  }
}

/** Makes a server; it listens only when `listen()` is called. */
export function createServer(options: ServerOptions = {}): ChatServer {
  return new ChatServer(options);
}
