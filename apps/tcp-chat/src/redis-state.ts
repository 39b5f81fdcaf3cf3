/** What a cluster member keeps: its id, its Redis link and stream reader, the rooms it follows. */
import { randomBytes } from 'node:crypto';
import { debuglog } from 'node:util';
import { liveMembers, ownerString } from './redis-keys.ts';
import type { RedisLink } from './redis-link.ts';
import { deliver, type StreamEntry, StreamReader } from './redis-reader.ts';
import type { Room } from './rooms.ts';
import type { ServerContext, Session } from './session.ts';

const debug = debuglog('tcp-chat');

/** Marks a request that already got its ERR_BUS_DOWN reply. */
export const FAILED = Symbol('failed');

export class ClusterState {
  readonly serverId = randomBytes(6).toString('hex');
  readonly nickTtl: number;
  readonly reader: StreamReader;
  readonly #following = new Map<string, Promise<Room | undefined>>();
  readonly #pending = new Set<Promise<unknown>>();
  /** XADDs sent and not yet answered (see redis-rooms.ts). */
  inFlight = 0;

  constructor(
    readonly ctx: ServerContext,
    readonly link: RedisLink,
  ) {
    this.nickTtl = link.options.nickTtlMs ?? 15_000;
    this.reader = new StreamReader(link, ctx.rooms);
  }

  ownerOf(s: Session, token = s.token): string {
    return ownerString(this.serverId, s.id, token);
  }

  /** Runs a request's Redis step; when Redis is unreachable the client gets ERR_BUS_DOWN. */
  async call<T>(
    s: Session,
    id: number | undefined,
    step: () => Promise<T>,
  ): Promise<T | typeof FAILED> {
    try {
      return await step();
    } catch (err) {
      if ((err as Error).name === 'ReplyError') throw err; // our bug, not an outage
      debug('redis step failed: %s', (err as Error).message);
      s.error(
        'ERR_BUS_DOWN',
        `shared state (redis at ${this.link.where}) unreachable: try again`,
        id,
      );
      return FAILED;
    }
  }

  /** Keeps a background Redis step (clean-up, presence); failures are logged, never thrown. */
  track(step: Promise<unknown>): void {
    const p = step.catch((err: Error) => debug('redis background step: %s', err.message));
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  /** Waits (at most `ms`) for the background steps still running. */
  async settle(ms: number): Promise<void> {
    const settled = Promise.allSettled([...this.#pending]);
    await Promise.race([settled, new Promise((r) => setTimeout(r, ms).unref())]);
  }

  publish(channel: string, event: object): void {
    this.track(this.link.cmd.publish(channel, JSON.stringify(event)));
  }

  /**
   * The local replica of a room, loaded with its recent history the first time a client
   * here joins it; undefined when this server follows as many rooms as it may.
   */
  follow(name: string): Promise<Room | undefined> {
    const room = this.ctx.rooms.get(name);
    if (room) return Promise.resolve(room);
    let loading = this.#following.get(name);
    if (!loading) {
      if (this.ctx.rooms.full(this.#following.size)) {
        return Promise.resolve(undefined);
      }
      loading = this.#load(name).finally(() => this.#following.delete(name));
      this.#following.set(name, loading);
    }
    return loading;
  }

  async #load(name: string): Promise<Room | undefined> {
    const { cmd, keys } = this.link;
    for (;;) {
      const generation = this.reader.generation;
      const size = Math.max(1, this.ctx.limits.history);
      const entries = (await cmd.xrevrange(
        keys.room(name),
        '+',
        '-',
        'COUNT',
        size,
      )) as StreamEntry[];
      if (generation !== this.reader.generation) continue; // Redis lost its data meanwhile
      const room = this.ctx.rooms.open(name);
      if (!room) return undefined;
      for (const e of entries.reverse()) deliver(room, e);
      this.ctx.counters.rooms = this.ctx.rooms.size;
      this.reader.wake();
      return room;
    }
  }

  /** The room's last sequence number in Redis (0 for a room nobody spoke in). */
  async lastSeq(room: string): Promise<number> {
    const { cmd, keys } = this.link;
    const [last] = (await cmd.xrevrange(keys.room(room), '+', '-', 'COUNT', 1)) as StreamEntry[];
    return last ? Number(last[0].slice(last[0].indexOf('-') + 1)) : 0;
  }

  /** Members whose nick is still theirs (a dead server's expire with its nicks), sorted. */
  async members(room: string): Promise<string[]> {
    const { keys, cmd } = this.link;
    const nicks = (await liveMembers.run(cmd, [keys.members(room)], [keys.nick('')])) as string[];
    return nicks.sort();
  }
}
