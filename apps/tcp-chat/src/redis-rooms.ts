/** Cluster room requests: join (follow, replay), leave, say (XADD), who, rooms; release. */
import { debuglog } from 'node:util';
import type { Req } from './bus.ts';
import { presence } from './redis-events.ts';
import { releaseNick, removeMember } from './redis-keys.ts';
import { type ClusterState, FAILED } from './redis-state.ts';
import {
  enter,
  holdIfCongested,
  notInRoom,
  part,
  replay,
  roomQuota,
  tooManyRooms,
} from './room-handlers.ts';
import type { Session } from './session.ts';

const debug = debuglog('tcp-chat');

export async function join(state: ClusterState, s: Session, msg: Req<'join'>): Promise<void> {
  const { ctx, link } = state;
  const joined = s.rooms.get(msg.room);
  if (!joined && !roomQuota(ctx, s, msg.id)) return;
  const room = joined ?? (await state.call(s, msg.id, () => state.follow(msg.room)));
  if (room === FAILED) return;
  if (!room) return tooManyRooms(ctx, s, msg.id);
  const members = await state.call(s, msg.id, async () => {
    if (!joined) {
      const owner = state.ownerOf(s);
      await link.cmd
        .multi()
        .hset(link.keys.members(room.name), s.nick, owner)
        .sadd(link.keys.rooms, room.name)
        .exec();
    }
    return state.members(room.name);
  });
  if (members === FAILED || s.closing) return;
  if (!joined) {
    enter(s, room);
    presence(state, { room: room.name, nick: s.nick, action: 'join' });
  }
  // Synchronous from here: the replica's ring and seq cannot move between the history sent
  // and the live lines that follow it.
  replay(ctx, s, room, msg, members);
}

export async function leave(state: ClusterState, s: Session, msg: Req<'leave'>): Promise<void> {
  const room = s.rooms.get(msg.room);
  if (!room) return s.error('ERR_NOT_IN_ROOM', `not in ${msg.room}`, msg.id);
  const { keys, cmd } = state.link;
  const done = await state.call(s, msg.id, () =>
    removeMember.run(cmd, [keys.members(room.name)], [s.nick, state.ownerOf(s)]),
  );
  if (done === FAILED || !s.rooms.has(room.name)) return;
  part(s, room, 'leave');
  presence(state, { room: room.name, nick: s.nick, action: 'leave' });
  s.reply({ type: 'left', re: msg.id, room: room.name });
}

/**
 * XADDs sent and not yet answered, all sessions together. Past this bound a `say` holds its
 * session (the intake pauses its socket until the line is in Redis), so a Redis that falls
 * behind pushes back on the senders through TCP instead of growing ioredis' queue.
 */
const MAX_IN_FLIGHT = 5000;

/**
 * `XADD ... 0-*`: Redis numbers the line. Not awaited below the bound: one connection keeps
 * a session's lines in order and the next request need not wait; the line comes back to
 * every server, this one included, through its stream reader.
 */
export function say(state: ClusterState, s: Session, msg: Req<'say'>): void | Promise<void> {
  const room = s.rooms.get(msg.room);
  if (!room) {
    notInRoom(s, msg.room, msg.id);
    return;
  }
  const { keys, cmd, where } = state.link;
  const cap = Math.max(1, state.ctx.limits.history);
  const fields = ['f', s.nick, 't', msg.text, 'ts', Date.now()];
  state.inFlight++;
  const added = cmd
    .xadd(keys.room(room.name), 'MAXLEN', '~', cap, '0-*', ...fields)
    .then(
      () => {},
      (err: Error) => {
        debug('xadd: %s', err.message);
        s.error('ERR_BUS_DOWN', `not said: redis at ${where} unreachable`, msg.id);
      },
    )
    .finally(() => {
      state.inFlight--;
    });
  holdIfCongested(s, room); // this server's members of the room are behind: wait for them
  return state.inFlight > MAX_IN_FLIGHT ? added : undefined;
}

export async function who(state: ClusterState, s: Session, msg: Req<'who'>): Promise<void> {
  const nicks = await state.call(s, msg.id, () => state.members(msg.room));
  if (nicks !== FAILED) s.reply({ type: 'members', re: msg.id, room: msg.room, nicks });
}

export async function rooms(state: ClusterState, s: Session, msg: Req<'rooms'>): Promise<void> {
  const { keys, cmd } = state.link;
  const list = await state.call(s, msg.id, async () => {
    const names = (await cmd.smembers(keys.rooms)).sort();
    return Promise.all(
      names.map(async (name) => ({
        name,
        members: (await state.members(name)).length,
        seq: await state.lastSeq(name),
      })),
    );
  });
  if (list !== FAILED) s.reply({ type: 'room-list', re: msg.id, rooms: list });
}

/** Out of its rooms and the nick table now; Redis is told in the background. */
export function release(state: ClusterState, s: Session): void {
  const rooms = [...s.rooms.values()];
  for (const room of rooms) part(s, room, 'quit');
  if (!s.nick || state.ctx.nicks.get(s.nick) !== s) return;
  state.ctx.nicks.delete(s.nick);
  const { keys, cmd } = state.link;
  const owner = state.ownerOf(s);
  for (const room of rooms) {
    state.track(removeMember.run(cmd, [keys.members(room.name)], [s.nick, owner]));
    presence(state, { room: room.name, nick: s.nick, action: 'quit' });
  }
  state.track(releaseNick.run(cmd, [keys.nick(s.nick)], [owner]));
}
