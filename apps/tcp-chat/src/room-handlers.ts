/** Room requests in one process: join (with history or replay), leave; leaving on close. */
import type { Req } from './bus.ts';
import type { Msg } from './protocol.ts';
import type { Room } from './rooms.ts';
import type { ServerContext, Session } from './session.ts';
import { encodeFrame } from './wire.ts';

/**
 * Push-back: a sender whose room is behind as a whole stops being read until the room's
 * queues drain, so TCP slows it down; the readers keep their places and see more latency.
 */
export function holdIfCongested(s: Session, room: Room): void {
  if (!room.flow.congested) return;
  s.ctx.counters.senderPauses++;
  s.hold('room');
  room.flow.wait(s);
}

export function notInRoom(s: Session, room: string, id: number | undefined): void {
  s.error('ERR_NOT_IN_ROOM', `join ${room} before saying anything`, id);
}

export function join(ctx: ServerContext, s: Session, msg: Req<'join'>): void {
  let room = s.rooms.get(msg.room);
  if (!room) {
    if (!roomQuota(ctx, s, msg.id)) return;
    room = ctx.rooms.open(msg.room);
    if (!room) {
      tooManyRooms(ctx, s, msg.id);
      return;
    }
    ctx.counters.rooms = ctx.rooms.size;
    ctx.counters.roomsRemoved = ctx.rooms.removed;
    enter(s, room);
  }
  replay(
    ctx,
    s,
    room,
    msg,
    [...room.members].map((m) => m.nick),
  );
}

/** False (and an error frame) when the session is already in as many rooms as it may be. */
export function roomQuota(ctx: ServerContext, s: Session, id: number | undefined): boolean {
  if (s.rooms.size < ctx.maxRoomsPerClient) return true;
  s.error('ERR_TOO_MANY_ROOMS', `at most ${ctx.maxRoomsPerClient} rooms per client`, id);
  return false;
}

export function tooManyRooms(ctx: ServerContext, s: Session, id: number | undefined): void {
  s.error('ERR_TOO_MANY_ROOMS', `server holds ${ctx.rooms.maxRooms} rooms`, id);
}

/** Adds the session to the room, telling the members already there. */
export function enter(s: Session, room: Room): void {
  room.broadcast(encodeFrame({ type: 'presence', room: room.name, nick: s.nick, action: 'join' }));
  room.admit(s);
  s.rooms.set(room.name, room);
}

/**
 * Sends `joined` and the history frames. `since` replays exactly what a reconnecting client
 * missed; without it, recent history. A `since` beyond the room's last message means the
 * room began again (a restarted server, a lost Redis): the client gets recent history,
 * flagged incomplete, and starts counting afresh.
 */
export function replay(
  ctx: ServerContext,
  s: Session,
  room: Room,
  msg: Req<'join'>,
  members: string[],
): void {
  const fresh = msg.since === undefined || msg.since > room.seq;
  const { history, seq } = room;
  const { entries, complete } = fresh
    ? history.since(seq, 0, ctx.historyOnJoin)
    : history.since(seq, msg.since!);
  s.reply({
    type: 'joined',
    re: msg.id,
    room: room.name,
    seq: room.seq,
    history: entries.length,
    complete: msg.since === undefined || (complete && msg.since <= room.seq),
    members,
  });
  for (const e of entries) s.send(e.frame);
}

export function leave(s: Session, msg: Req<'leave'>): void {
  const room = s.rooms.get(msg.room);
  if (!room) {
    s.error('ERR_NOT_IN_ROOM', `not in ${msg.room}`, msg.id);
    return;
  }
  part(s, room, 'leave');
  s.reply({ type: 'left', re: msg.id, room: room.name });
}

/** Takes the session out of one room and tells the members left behind. */
export function part(s: Session, room: Room, action: Msg<'presence'>['action']): void {
  room.dismiss(s);
  s.rooms.delete(room.name);
  room.broadcast(encodeFrame({ type: 'presence', room: room.name, nick: s.nick, action }));
}

/** Removes a closed (or replaced) session from its rooms and the nick table. */
export function release(ctx: ServerContext, s: Session): void {
  for (const room of [...s.rooms.values()]) part(s, room, 'quit');
  if (s.nick && ctx.nicks.get(s.nick) === s) ctx.nicks.delete(s.nick);
}
