/** A server's three Redis connections (commands, stream reader, pub/sub); is Redis up. */
import { randomBytes } from 'node:crypto';
import { debuglog } from 'node:util';
import { formatEndpoint } from '@netlab/addressing/endpoint';
import type { Redis, RedisOptions } from 'ioredis';
import { ChatError } from './errors.ts';
import { Keys } from './redis-keys.ts';
import type { RedisBusOptions } from './redis-url.ts';

const debug = debuglog('tcp-chat');

/** How long to wait for Redis at start before giving up with ERR_BUS_DOWN. */
const START_TIMEOUT_MS = 5000;

export interface LinkEvents {
  /** The command connection dropped: requests now fail with ERR_BUS_DOWN. */
  down(): void;
  /** It is back: re-register what Redis must know; `lost` when it restarted without its data. */
  resync(lost: boolean): Promise<void>;
  /** Resync done: requests work again. */
  restored(): void;
}

/**
 * Three connections, because a blocking XREAD and a subscription each take a connection
 * over. Commands fail fast while Redis is unreachable (no offline queue, a 2 s timeout), so a
 * `say` gets ERR_BUS_DOWN instead of hanging; ioredis reconnects by itself, and `up` runs
 * once the command connection is ready again and `resync` has run.
 */
export class RedisLink {
  readonly keys: Keys;
  readonly where: string;
  readonly #base: RedisOptions;
  /** The connections, from `start()` on: ioredis (~0.15 s to load) loads only for a cluster. */
  #conns: { cmd: Redis; reader: Redis; sub: Redis } | undefined;
  /** Random value of `keys.epoch` when we last looked. */
  epoch = '';
  up = false;
  stopped = false;

  constructor(
    readonly options: RedisBusOptions,
    private readonly events: LinkEvents,
  ) {
    this.keys = new Keys(options.prefix);
    this.where = formatEndpoint({
      host: options.host,
      port: options.port,
      family: options.host.includes(':') ? 'ipv6' : 'ipv4',
    });
    this.#base = {
      host: options.host,
      port: options.port,
      username: options.username,
      password: options.password,
      db: options.db ?? 0,
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(50 * 2 ** times, 1000),
    };
  }

  /** Throws ERR_BUS_DOWN before `start()`: there is no connection to use yet. */
  #open(): { cmd: Redis; reader: Redis; sub: Redis } {
    if (!this.#conns) throw new ChatError('ERR_BUS_DOWN', `redis at ${this.where}: not started`);
    return this.#conns;
  }
  get cmd(): Redis {
    return this.#open().cmd;
  }
  get reader(): Redis {
    return this.#open().reader;
  }
  get sub(): Redis {
    return this.#open().sub;
  }

  async start(): Promise<void> {
    const { Redis } = await import('ioredis');
    const base = this.#base;
    // No auto-pipelining: in A/B bench runs it halved Redis' CPU but cost a quarter of the
    // delivered lines and tripled p99 (the XADDs wait for the batch); see BENCH.md.
    this.#conns = {
      cmd: new Redis({ ...base, commandTimeout: 2000, connectionName: 'tcp-chat' }),
      reader: new Redis({ ...base, connectionName: 'tcp-chat-reader' }),
      // Subscriptions are renewed by ioredis on reconnect; it needs its queue for that.
      sub: new Redis({ ...base, enableOfflineQueue: true, connectionName: 'tcp-chat-sub' }),
    };
    const conns = [this.cmd, this.reader, this.sub];
    for (const c of conns) {
      c.on('error', (err: Error) => debug('redis %s: %s', this.where, err.message));
    }
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${START_TIMEOUT_MS} ms`)),
          START_TIMEOUT_MS,
        );
      });
      await Promise.race([Promise.all(conns.map((c) => c.connect())), timeout]).finally(() =>
        clearTimeout(timer),
      );
      this.epoch = await this.readEpoch();
    } catch (err) {
      for (const c of conns) c.disconnect();
      throw new ChatError(
        'ERR_BUS_DOWN',
        `cannot reach redis at ${this.where}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.up = true;
    this.cmd.on('close', () => {
      if (!this.up || this.stopped) return;
      this.up = false;
      this.events.down();
    });
    this.cmd.on('ready', () => void this.#recover());
  }

  /** The cluster's epoch, creating it when Redis has none (first start, or data lost). */
  async readEpoch(): Promise<string> {
    await this.cmd.set(this.keys.epoch, randomBytes(8).toString('hex'), 'NX');
    return (await this.cmd.get(this.keys.epoch)) ?? '';
  }

  async #recover(): Promise<void> {
    if (this.up || this.stopped) return;
    try {
      const epoch = await this.readEpoch();
      const lost = epoch !== this.epoch;
      this.epoch = epoch;
      await this.events.resync(lost);
      this.up = true;
      this.events.restored();
    } catch (err) {
      // Lost again half-way: the next `ready` tries again.
      debug('redis %s: recovery failed: %s', this.where, (err as Error).message);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (!this.#conns) return;
    this.reader.disconnect();
    this.sub.disconnect();
    await this.cmd.quit().catch(() => this.cmd.disconnect());
  }
}
