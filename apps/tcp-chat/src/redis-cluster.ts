/** A cluster member's state: its id, followed rooms, heartbeat, pub/sub events, outage and resync. */
import { randomBytes } from 'node:crypto';
import { debuglog } from 'node:util';
import { privateFrame } from './local-bus.ts';
import type { Msg } from './protocol.ts';
import { ownerString, refreshNicks } from './redis-keys.ts';
import type { RedisLink } from './redis-link.ts';
import { deliver, type StreamEntry, StreamReader } from './redis-reader.ts';
import type { Room } from './rooms.ts';
import type { ServerContext, Session } from './session.ts';
import { encodeFrame } from './wire.ts';

const debug = debuglog('tcp-chat');

type ClusterEvent =
  | {
      k: 'presence';
      origin: string;
      room: string;
      nick: string;
      action: Msg<'presence'>['action'];
      to?: string;
    }
  | { k: 'private'; from: string; to: string; ts: number; text: string }
  | { k: 'kick'; nick: string; owner: string };

export abstract class ClusterState {
  readonly serverId = randomBytes(6).toString('hex');
  readonly nickTtl: number;
  readonly reader: StreamReader;
  readonly #following = new Map<string, Promise<Room | undefined>>();
  readonly #pending = new Set<Promise<unknown>>();
  #heartbeat: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;

  constructor(
    readonly ctx: ServerContext,
    readonly link: RedisLink,
  ) {
    this.nickTtl = link.options.nickTtlMs ?? 15_000;
    this.reader = new StreamReader(
      link.reader,
      link.cmd,
      link.keys,
      ctx.rooms,
      () => link.up,
      () => link.stopped,
    );
  }

  ownerOf(s: Session, token = s.token): string {
    return ownerString(this.serverId, s.id, token);
  }

  async start(): Promise<void> {
    await this.link.start();
    const { sub, keys } = this.link;
    sub.on('message', (_channel: string, text: string) => this.#onEvent(JSON.parse(text)));
    await sub.subscribe(keys.presence, keys.server(this.serverId));
    this.#loop = this.reader.run();
    const beat = () => (this.link.up ? this.#refresh() : Promise.resolve());
    this.#heartbeat = setInterval(() => void beat().catch(() => {}), this.nickTtl / 3);
    this.#heartbeat.unref();
  }

  async stop(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    // What releases started (nick and member removal) finishes first, within a bound.
    const settled = Promise.allSettled([...this.#pending]);
    await Promise.race([settled, new Promise((r) => setTimeout(r, 2000).unref())]);
    if (!this.#loop) return;
    await this.link.stop();
    this.reader.wake();
    await this.#loop;
  }

  /** Keeps a background Redis step; its failure is logged, never thrown. */
  track(step: Promise<unknown>): void {
    const p = step.catch((err: Error) => debug('redis background step: %s', err.message));
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  /** The local replica of a room, loaded with its recent history the first time; undefined at the cap. */
  follow(name: string): Promise<Room | undefined> {
    const room = this.ctx.rooms.get(name);
    if (room) return Promise.resolve(room);
    let loading = this.#following.get(name);
    if (!loading) {
      if (this.ctx.rooms.size + this.#following.size >= this.ctx.rooms.maxRooms) {
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

  async lastSeq(room: string): Promise<number> {
    const [last] = (await this.link.cmd.xrevrange(
      this.link.keys.room(room),
      '+',
      '-',
      'COUNT',
      1,
    )) as StreamEntry[];
    return last ? Number(last[0].slice(last[0].indexOf('-') + 1)) : 0;
  }

  /** A client took its nick over with its token: its old session (here or elsewhere) goes. */
  evict(nick: string, previous: string): void {
    const [server] = previous.split('/');
    if (server === this.serverId) {
      this.#kickLocal(nick, previous);
    } else {
      const event: ClusterEvent = { k: 'kick', nick, owner: previous };
      this.track(this.link.cmd.publish(this.link.keys.server(server!), JSON.stringify(event)));
    }
  }

  #kickLocal(nick: string, owner: string): void {
    const holder = this.ctx.nicks.get(nick);
    if (holder && this.ownerOf(holder) === owner) {
      holder.kick('ERR_SESSION_REPLACED', 'same nick reconnected with its token');
    }
  }

  #onEvent(e: ClusterEvent): void {
    if (e.k === 'kick') {
      this.#kickLocal(e.nick, e.owner);
    } else if (e.k === 'private') {
      this.ctx.nicks.get(e.to)?.send(privateFrame(e.from, e.to, e.text, e.ts));
    } else if (e.origin !== this.serverId) {
      this.#presence(e); // the origin told its own members already
    }
  }

  #presence(e: Extract<ClusterEvent, { k: 'presence' }>): void {
    const frame = encodeFrame({
      type: 'presence',
      room: e.room,
      nick: e.nick,
      action: e.action,
      to: e.to,
    });
    this.ctx.rooms.get(e.room)?.broadcast(frame);
  }

  /** The heartbeat: our nicks stay ours; one taken meanwhile (Redis was away) costs its session. */
  async #refresh(): Promise<void> {
    const sessions = [...this.ctx.nicks.values()].filter((s) => !s.closing);
    for (let i = 0; i < sessions.length; i += 1000) {
      const batch = sessions.slice(i, i + 1000);
      const keys = batch.map((s) => this.link.keys.nick(s.nick));
      const owners = batch.map((s) => this.ownerOf(s));
      const lost = (await refreshNicks.run(this.link.cmd, keys, [
        this.nickTtl,
        ...owners,
      ])) as number[];
      for (const n of lost)
        batch[n - 1]?.kick('ERR_NICK_IN_USE', 'nick taken elsewhere while redis was away');
    }
  }

  notice(code: string, message: string, room?: Room): void {
    const frame = encodeFrame({ type: 'notice', code, message, room: room?.name });
    if (room) room.broadcast(frame);
    else for (const s of this.ctx.sessions) if (s.welcomed && !s.closing) s.send(frame);
  }

  down(): void {
    this.notice('BUS_DOWN', `lost redis at ${this.link.where}: rooms paused, reconnecting`);
  }

  /** Redis is back: rooms rewound if it lost its data, our nicks and memberships re-registered. */
  async resync(lost: boolean): Promise<void> {
    this.reader.generation++;
    if (lost) {
      for (const room of this.ctx.rooms.list()) {
        room.reset();
        this.notice('ROOM_RESET', `redis lost ${room.name}'s history; numbering starts over`, room);
      }
    }
    await this.#refresh();
    const { cmd, keys } = this.link;
    const batch = cmd.multi();
    for (const room of this.ctx.rooms.list()) {
      for (const m of room.members)
        batch.hset(keys.members(room.name), m.nick, this.ownerOf(m as Session));
      batch.sadd(keys.rooms, room.name);
    }
    await batch.exec();
  }

  restored(): void {
    this.notice('BUS_UP', `redis at ${this.link.where} is back`);
    this.reader.wake();
  }
}
