/** The Redis room bus: several servers share rooms, nicks, history and sequence numbers. */
import { debuglog } from 'node:util';
import type { Req, RoomBus } from './bus.ts';
import { newToken, privateFrame, renamed, welcome } from './local-bus.ts';
import type { Msg } from './protocol.ts';
import { ClusterState } from './redis-cluster.ts';
import { claimNick, liveMembers, releaseNick, removeMember } from './redis-keys.ts';
import { RedisLink } from './redis-link.ts';
import type { RedisBusOptions } from './redis-url.ts';
import { enter, notInRoom, part, replay, roomQuota, tooManyRooms } from './room-handlers.ts';
import type { Room } from './rooms.ts';
import type { ServerContext, Session } from './session.ts';

export type { RedisBusOptions } from './redis-url.ts';

const debug = debuglog('tcp-chat');

/** Marks a request that already got its ERR_BUS_DOWN reply. */
const FAILED = Symbol('failed');

export function createRedisBus(ctx: ServerContext, options: RedisBusOptions): RoomBus {
  return new RedisBus(ctx, options);
}

/**
 * Streams, not plain pub/sub, carry room lines: each room is a stream whose entry ids are the
 * sequence numbers, so Redis numbers every line once for the whole cluster, the stream is the
 * history, and a server that lost Redis for a moment resumes reading from its last id without
 * a gap. Pub/sub carries only what may be lost: presence, whispers, kicks.
 */
class RedisBus extends ClusterState implements RoomBus {
  constructor(ctx: ServerContext, options: RedisBusOptions) {
    super(
      ctx,
      new RedisLink(options, {
        down: () => this.down(),
        resync: (l) => this.resync(l),
        restored: () => this.restored(),
      }),
    );
  }

  /** Runs a Redis step; on failure the client gets ERR_BUS_DOWN for request `id`. */
  async #call<T>(
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

  hello = async (s: Session, msg: Req<'hello'>): Promise<void> => {
    const token = msg.token ?? newToken();
    const owner = this.ownerOf(s, token);
    const key = this.link.keys.nick(msg.nick);
    const claim = await this.#call(s, msg.id, () =>
      claimNick.run(this.link.cmd, [key], [owner, this.nickTtl, msg.token ?? '']),
    );
    if (claim === FAILED) return;
    const [result, previous] = claim as [number, string];
    if (result === 0) return s.error('ERR_NICK_IN_USE', `nick ${msg.nick} is taken`, msg.id);
    if (result === 2) this.evict(msg.nick, previous);
    if (s.closing) return void this.track(releaseNick.run(this.link.cmd, [key], [owner]));
    welcome(this.ctx, s, msg, token);
  };

  join = async (s: Session, msg: Req<'join'>): Promise<void> => {
    const joined = s.rooms.get(msg.room);
    if (!joined && !roomQuota(this.ctx, s, msg.id)) return;
    const room = joined ?? (await this.#call(s, msg.id, () => this.follow(msg.room)));
    if (room === FAILED) return;
    if (!room) return tooManyRooms(this.ctx, s, msg.id);
    const { keys, cmd } = this.link;
    const members = await this.#call(s, msg.id, async () => {
      if (!joined)
        await cmd
          .multi()
          .hset(keys.members(room.name), s.nick, this.ownerOf(s))
          .sadd(keys.rooms, room.name)
          .exec();
      return this.members(room.name);
    });
    if (members === FAILED || s.closing) return;
    if (!joined) {
      enter(s, room);
      this.presence(room.name, s.nick, 'join');
    }
    // From here on everything is synchronous: the local replica's ring and seq cannot move
    // between the history we send and the live lines that follow it.
    replay(this.ctx, s, room, msg, members);
  };

  leave = async (s: Session, msg: Req<'leave'>): Promise<void> => {
    const room = s.rooms.get(msg.room);
    if (!room) return s.error('ERR_NOT_IN_ROOM', `not in ${msg.room}`, msg.id);
    const { keys, cmd } = this.link;
    const ok = await this.#call(s, msg.id, () =>
      removeMember.run(cmd, [keys.members(room.name)], [s.nick, this.ownerOf(s)]),
    );
    if (ok === FAILED || !s.rooms.has(room.name)) return;
    part(s, room, 'leave');
    this.presence(room.name, s.nick, 'leave');
    s.reply({ type: 'left', re: msg.id, room: room.name });
  };

  say = (s: Session, msg: Req<'say'>): void => {
    const room = s.rooms.get(msg.room);
    if (!room) {
      notInRoom(s, msg.room, msg.id);
      return;
    }
    // Not awaited: one connection keeps a session's lines in order, and the next request
    // need not wait. The line comes back through the stream reader, numbered, to everyone.
    const { keys, cmd } = this.link;
    const cap = Math.max(1, this.ctx.limits.history);
    cmd
      .xadd(
        keys.room(room.name),
        'MAXLEN',
        '~',
        cap,
        '0-*',
        'f',
        s.nick,
        't',
        msg.text,
        'ts',
        Date.now(),
      )
      .catch((err: Error) => {
        debug('xadd: %s', err.message);
        s.error('ERR_BUS_DOWN', `not said: redis at ${this.link.where} unreachable`, msg.id);
      });
  };

  whisper = async (s: Session, msg: Req<'whisper'>): Promise<void> => {
    const local = this.ctx.nicks.get(msg.to);
    const noOne = () => s.error('ERR_NO_SUCH_NICK', `no one is called ${msg.to}`, msg.id);
    if (local) {
      const frame = privateFrame(s.nick, local.nick, msg.text);
      local.send(frame);
      if (local !== s) s.send(frame);
      return;
    }
    const { keys, cmd } = this.link;
    const ts = Date.now();
    const delivered = await this.#call(s, msg.id, async () => {
      const owner = await cmd.get(keys.nick(msg.to));
      if (!owner) return 0;
      const event = { k: 'private', from: s.nick, to: msg.to, ts, text: msg.text };
      return cmd.publish(keys.server(owner.split('/')[0]!), JSON.stringify(event));
    });
    if (delivered === FAILED) return;
    if (delivered === 0) return noOne(); // no such nick, or its server is gone
    s.reply({ type: 'private', from: s.nick, to: msg.to, ts, text: msg.text });
  };

  rename = async (s: Session, msg: Req<'nick'>): Promise<void> => {
    if (msg.nick === s.nick) return renamed(this.ctx, s, msg);
    const { keys, cmd } = this.link;
    const owner = this.ownerOf(s);
    const claim = await this.#call(s, msg.id, () =>
      claimNick.run(cmd, [keys.nick(msg.nick)], [owner, this.nickTtl, '']),
    );
    if (claim === FAILED) return;
    if ((claim as [number])[0] !== 1)
      return s.error('ERR_NICK_IN_USE', `nick ${msg.nick} is taken`, msg.id);
    const old = s.nick;
    const moved = await this.#call(s, msg.id, async () => {
      await releaseNick.run(cmd, [keys.nick(old)], [owner]);
      for (const room of s.rooms.keys()) {
        await removeMember.run(cmd, [keys.members(room)], [old, owner]);
        await cmd.hset(keys.members(room), msg.nick, owner);
      }
    });
    if (moved === FAILED) return;
    renamed(this.ctx, s, msg);
    for (const room of s.rooms.keys()) this.presence(room, old, 'nick', msg.nick);
  };

  who = async (s: Session, msg: Req<'who'>): Promise<void> => {
    const nicks = await this.#call(s, msg.id, () => this.members(msg.room));
    if (nicks !== FAILED) s.reply({ type: 'members', re: msg.id, room: msg.room, nicks });
  };

  rooms = async (s: Session, msg: Req<'rooms'>): Promise<void> => {
    const { keys, cmd } = this.link;
    const rooms = await this.#call(s, msg.id, async () => {
      const names = (await cmd.smembers(keys.rooms)).sort();
      return Promise.all(
        names.map(async (name) => ({
          name,
          members: (await this.members(name)).length,
          seq: await this.lastSeq(name),
        })),
      );
    });
    if (rooms !== FAILED) s.reply({ type: 'room-list', re: msg.id, rooms });
  };

  /** Members whose nick is still theirs (a dead server's expire with its nicks), sorted. */
  async members(room: string): Promise<string[]> {
    const { keys, cmd } = this.link;
    const nicks = (await liveMembers.run(cmd, [keys.members(room)], [keys.nick('')])) as string[];
    return nicks.sort();
  }

  release = (s: Session): void => {
    const rooms = [...s.rooms.values()];
    for (const room of rooms) part(s, room, 'quit');
    if (!s.nick || this.ctx.nicks.get(s.nick) !== s) return;
    this.ctx.nicks.delete(s.nick);
    this.forget(s, rooms);
  };

  /** Redis' side of a release, in the background (stop() waits for it). */
  forget(s: Session, rooms: Room[]): void {
    const { keys, cmd } = this.link;
    const owner = this.ownerOf(s);
    for (const room of rooms) {
      this.track(removeMember.run(cmd, [keys.members(room.name)], [s.nick, owner]));
      this.presence(room.name, s.nick, 'quit');
    }
    this.track(releaseNick.run(cmd, [keys.nick(s.nick)], [owner]));
  }

  presence(room: string, nick: string, action: Msg<'presence'>['action'], to?: string): void {
    const event = { k: 'presence', origin: this.serverId, room, nick, action, to };
    this.track(this.link.cmd.publish(this.link.keys.presence, JSON.stringify(event)));
  }
}
