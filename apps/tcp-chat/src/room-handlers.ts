/** Room requests: join (with history or replay), leave, say; and leaving every room on close. */
import type { ClientMessage, Msg } from './protocol.ts';
import type { Room } from './rooms.ts';
import type { ServerContext, Session } from './session.ts';
import { encodeFrame } from './wire.ts';

type Req<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

export function say(s: Session, msg: Req<'say'>): void {
  const room = s.rooms.get(msg.room);
  if (!room) {
    s.error('ERR_NOT_IN_ROOM', `join ${msg.room} before saying anything`, msg.id);
    return;
  }
  const seq = room.nextSeq();
  // Encoded once; every member's outbox holds the same Buffer.
  const frame = encodeFrame({
    type: 'msg',
    room: room.name,
    seq,
    ts: Date.now(),
    from: s.nick,
    text: msg.text,
  });
  room.publish(seq, frame);
}

export function join(ctx: ServerContext, s: Session, msg: Req<'join'>): void {
  let room = s.rooms.get(msg.room);
  if (!room) {
    if (s.rooms.size >= ctx.maxRoomsPerClient) {
      s.error('ERR_TOO_MANY_ROOMS', `at most ${ctx.maxRoomsPerClient} rooms per client`, msg.id);
      return;
    }
    room = ctx.rooms.open(msg.room);
    if (!room) {
      s.error('ERR_TOO_MANY_ROOMS', `server holds ${ctx.rooms.maxRooms} rooms`, msg.id);
      return;
    }
    ctx.counters.rooms = ctx.rooms.size;
    room.broadcast(
      encodeFrame({ type: 'presence', room: room.name, nick: s.nick, action: 'join' }),
    );
    room.members.add(s);
    s.rooms.set(room.name, room);
  }
  // `since` replays exactly what a reconnecting client missed; without it, recent history.
  // A `since` beyond the room's last message means the server restarted and the room began
  // again: the client gets recent history, flagged incomplete, and starts counting afresh.
  const fresh = msg.since === undefined || msg.since > room.seq;
  const { entries, complete } = fresh ? room.since(0, ctx.historyOnJoin) : room.since(msg.since!);
  const members = [...room.members].map((m) => m.nick);
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

function part(s: Session, room: Room, action: Msg<'presence'>['action']): void {
  room.members.delete(s);
  s.rooms.delete(room.name);
  room.broadcast(encodeFrame({ type: 'presence', room: room.name, nick: s.nick, action }));
}

/** Removes a closed (or replaced) session from its rooms and the nick table. */
export function release(ctx: ServerContext, s: Session): void {
  for (const room of [...s.rooms.values()]) part(s, room, 'quit');
  if (s.nick && ctx.nicks.get(s.nick) === s) ctx.nicks.delete(s.nick);
}
