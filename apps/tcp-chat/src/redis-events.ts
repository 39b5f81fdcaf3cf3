/** The cluster's pub/sub events (presence, whispers, kicks), the nick heartbeat, and outages. */
import { debuglog } from 'node:util';
import { privateFrame } from './local-bus.ts';
import type { Msg } from './protocol.ts';
import { refreshNicks } from './redis-keys.ts';
import type { ClusterState } from './redis-state.ts';
import type { Room } from './rooms.ts';
import type { Session } from './session.ts';
import { encodeFrame } from './wire.ts';

const debug = debuglog('tcp-chat');

type Presence = Omit<Msg<'presence'>, 'type'>;

/** What travels over pub/sub, as JSON: lossy by nature, so nothing here is history. */
export type ClusterEvent =
  | ({ k: 'presence'; origin: string } & Presence)
  | { k: 'private'; from: string; to: string; ts: number; text: string }
  | { k: 'kick'; nick: string; owner: string };

/** Subscribes to the cluster's presence channel and this server's own channel. */
export async function listen(state: ClusterState): Promise<void> {
  const { sub, keys } = state.link;
  sub.on('message', (channel: string, text: string) => {
    try {
      onEvent(state, JSON.parse(text) as ClusterEvent);
    } catch (err) {
      // Anyone with access to Redis can publish: garbage is logged, never fatal.
      debug('bad event on %s: %s', channel, (err as Error).message);
    }
  });
  await sub.subscribe(keys.presence, keys.server(state.serverId));
}

function onEvent(state: ClusterState, e: ClusterEvent): void {
  const { ctx } = state;
  if (e.k === 'kick') {
    kickLocal(state, e.nick, e.owner);
  } else if (e.k === 'private') {
    ctx.nicks.get(e.to)?.send(privateFrame(e.from, e.to, e.text, e.ts));
  } else if (e.k === 'presence' && e.origin !== state.serverId) {
    // The origin told its own members already.
    const { room, nick, action, to } = e;
    ctx.rooms.get(room)?.broadcast(encodeFrame({ type: 'presence', room, nick, action, to }));
  }
}

/** Tells the other servers' members of `room` (this server's were told directly). */
export function presence(state: ClusterState, p: Presence): void {
  const event: ClusterEvent = { k: 'presence', origin: state.serverId, ...p };
  state.publish(state.link.keys.presence, event);
}

/** A client took its nick over with its token: its old session, here or elsewhere, goes. */
export function evict(state: ClusterState, nick: string, previous: string): void {
  const [server = ''] = previous.split('/');
  if (server === state.serverId) {
    kickLocal(state, nick, previous);
  } else {
    const event: ClusterEvent = { k: 'kick', nick, owner: previous };
    state.publish(state.link.keys.server(server), event);
  }
}

function kickLocal(state: ClusterState, nick: string, owner: string): void {
  const holder = state.ctx.nicks.get(nick);
  if (holder && state.ownerOf(holder) === owner) {
    holder.kick('ERR_SESSION_REPLACED', 'same nick reconnected with its token');
  }
}

/** The heartbeat: our nicks stay ours; one taken meanwhile (Redis was away) costs its session. */
export async function refresh(state: ClusterState): Promise<void> {
  const { cmd, keys } = state.link;
  const sessions = [...state.ctx.nicks.values()].filter((s) => !s.closing);
  for (let i = 0; i < sessions.length; i += 1000) {
    const batch = sessions.slice(i, i + 1000);
    const nicks = batch.map((s) => keys.nick(s.nick));
    const owners = batch.map((s) => state.ownerOf(s));
    const lost = (await refreshNicks.run(cmd, nicks, [state.nickTtl, ...owners])) as number[];
    for (const n of lost) batch[n - 1]?.kick('ERR_NICK_IN_USE', 'nick taken while redis was away');
  }
}

/** A notice to one room's members, or to every welcomed session. */
export function notice(state: ClusterState, code: string, message: string, room?: Room): void {
  const frame = encodeFrame({ type: 'notice', code, message, room: room?.name });
  if (room) room.broadcast(frame);
  else for (const s of state.ctx.sessions) if (s.welcomed && !s.closing) s.send(frame);
}

/**
 * Redis is back. If it lost its data, every room this server follows starts over (its
 * members are told ROOM_RESET before any line of the new numbering reaches them); either way
 * our nicks and memberships are written again.
 */
export async function resync(state: ClusterState, lost: boolean): Promise<void> {
  const { ctx, link, reader } = state;
  reader.generation++; // a read started before now used cursors that may be stale
  if (lost) {
    for (const room of ctx.rooms.list()) {
      // The room's shared log is gone: its numbering starts over, and its history with it.
      room.seq = 0;
      room.history.clear();
      notice(state, 'ROOM_RESET', `redis lost ${room.name}'s history; numbering starts over`, room);
    }
  }
  await refresh(state);
  const batch = link.cmd.multi();
  for (const room of ctx.rooms.list()) {
    for (const m of room.members) {
      batch.hset(link.keys.members(room.name), m.nick, state.ownerOf(m as Session));
    }
    batch.sadd(link.keys.rooms, room.name);
  }
  await batch.exec();
}
