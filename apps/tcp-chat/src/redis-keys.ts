/** A cluster's Redis keys, the nick owner string, and the Lua scripts that keep nicks unique. */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Every key a cluster uses, under one prefix (default `tcp-chat:`), so two clusters (or two
 * test runs) can share one Redis.
 * - `room:<#name>`: the room's stream. Entry ids are `0-<seq>`: Redis assigns the sequence
 *   number (`XADD ... 0-*`), once, for every server at the same time.
 * - `members:<#name>`: hash, nick -> owner of the session in the room.
 * - `nick:<nick>`: the owner holding the nick, with a TTL each server's heartbeat refreshes.
 * - `rooms`: set of room names; `epoch`: a random value that changes when Redis lost its data.
 * - channels `presence` (all servers) and `server:<id>` (whispers and kicks for one server).
 */
export class Keys {
  constructor(readonly prefix = 'tcp-chat:') {}
  room(name: string): string {
    return `${this.prefix}room:${name}`;
  }
  members(name: string): string {
    return `${this.prefix}members:${name}`;
  }
  nick(nick: string): string {
    return `${this.prefix}nick:${nick}`;
  }
  get rooms(): string {
    return `${this.prefix}rooms`;
  }
  get epoch(): string {
    return `${this.prefix}epoch`;
  }
  get presence(): string {
    return `${this.prefix}presence`;
  }
  server(id: string): string {
    return `${this.prefix}server:${id}`;
  }
}

/**
 * Who holds a nick: `<server id>/<session id>/<resume token>`. The token (base64url, no `/`)
 * lets a client that reconnects to another server take its nick back from its old session.
 */
export function ownerString(server: string, session: string, token: string): string {
  return `${server}/${session}/${token}`;
}

/** A Lua script run by its SHA1, sent in full only when Redis does not know it yet. */
export class LuaScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * KEYS[1] nick key; ARGV owner, ttl ms, token ('' for none). Returns {1} claimed (or already
 * ours), {2, previous} taken over with the matching token, {0, holder} held by someone else.
 */
export const claimNick = new LuaScript(`
local cur = redis.call('GET', KEYS[1])
if (not cur) or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, ''}
end
if ARGV[3] ~= '' and string.sub(cur, -string.len(ARGV[3]) - 1) == '/' .. ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {2, cur}
end
return {0, cur}`);

/**
 * The heartbeat. KEYS nick keys; ARGV ttl, then one owner per key. Refreshes (or, after Redis
 * lost its data, re-creates) each key we own; returns the 1-based indexes held by others.
 */
export const refreshNicks = new LuaScript(`
local lost = {}
for i, key in ipairs(KEYS) do
  local cur = redis.call('GET', key)
  if (not cur) or cur == ARGV[i + 1] then
    redis.call('SET', key, ARGV[i + 1], 'PX', ARGV[1])
  else
    table.insert(lost, i)
  end
end
return lost`);

/** KEYS[1] nick key; ARGV owner. Deletes the key only while that owner holds it. */
export const releaseNick = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/** KEYS[1] members hash; ARGV nick, owner. Removes the member only if it is still that owner. */
export const removeMember = new LuaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`);

/**
 * KEYS[1] members hash; ARGV nick key prefix. The members whose nick is still held by the
 * owner recorded here; the rest (a server died, its nicks expired) are removed on the way.
 * It reads nick keys it was not given (fine on one Redis, not on Redis Cluster).
 */
export const liveMembers = new LuaScript(`
local h = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #h, 2 do
  if redis.call('GET', ARGV[1] .. h[i]) == h[i + 1] then
    table.insert(out, h[i])
  else
    redis.call('HDEL', KEYS[1], h[i])
  end
end
return out`);
