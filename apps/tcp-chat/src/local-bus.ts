/** The in-process room bus (the default): rooms, nicks and history in this server's memory. */
import { randomBytes } from 'node:crypto';
import type { Req, RoomBus } from './bus.ts';
import { join, leave, release } from './room-handlers.ts';
import { say } from './say.ts';
import type { ServerContext, Session } from './session.ts';
import { encodeFrame } from './wire.ts';

export function createLocalBus(ctx: ServerContext): RoomBus {
  return {
    start: async () => {},
    stop: async () => {},
    hello: (s, msg) => hello(ctx, s, msg),
    join: (s, msg) => join(ctx, s, msg),
    leave: (s, msg) => leave(s, msg),
    say: (s, msg) => say(s, msg),
    whisper: (s, msg) => whisper(ctx, s, msg),
    rename: (s, msg) => rename(ctx, s, msg),
    who: (s, msg) => {
      const room = ctx.rooms.get(msg.room);
      const nicks = room ? [...room.members].map((m) => m.nick) : [];
      s.reply({ type: 'members', re: msg.id, room: msg.room, nicks });
    },
    rooms: (s, msg) => {
      const rooms = ctx.rooms
        .list()
        .map((r) => ({ name: r.name, members: r.members.size, seq: r.seq }));
      s.reply({ type: 'room-list', re: msg.id, rooms });
    },
    release: (s) => release(ctx, s),
  };
}

function hello(ctx: ServerContext, s: Session, msg: Req<'hello'>): void {
  const holder = ctx.nicks.get(msg.nick);
  if (holder) {
    // A reconnecting client may beat the server to noticing its old connection died:
    // the token from its last welcome proves it owns the nick, so the old session goes.
    if (!msg.token || msg.token !== holder.token) {
      s.error('ERR_NICK_IN_USE', `nick ${msg.nick} is taken`, msg.id);
      return;
    }
    holder.kick('ERR_SESSION_REPLACED', 'same nick reconnected with its token');
    release(ctx, holder);
  }
  welcome(ctx, s, msg, msg.token ?? newToken());
}

/** A resume token: base64url, so it never contains the `/` that separates owner fields. */
export function newToken(): string {
  return randomBytes(12).toString('base64url');
}

/** Records the nick as this session's and sends `welcome`. */
export function welcome(ctx: ServerContext, s: Session, msg: Req<'hello'>, token: string): void {
  s.nick = msg.nick;
  s.token = token;
  ctx.nicks.set(s.nick, s);
  s.reply({
    type: 'welcome',
    re: msg.id,
    session: s.id,
    nick: s.nick,
    token: s.token,
    limits: ctx.limits,
  });
}

/** The `private` frame, sent to the receiver and echoed to the sender. */
export function privateFrame(from: string, to: string, text: string, ts = Date.now()): Buffer {
  return encodeFrame({ type: 'private', from, to, ts, text });
}

function whisper(ctx: ServerContext, s: Session, msg: Req<'whisper'>): void {
  const to = ctx.nicks.get(msg.to);
  if (!to) {
    s.error('ERR_NO_SUCH_NICK', `no one is called ${msg.to}`, msg.id);
    return;
  }
  const frame = privateFrame(s.nick, to.nick, msg.text);
  to.send(frame);
  if (to !== s) s.send(frame); // the echo is the sender's acknowledgement
}

function rename(ctx: ServerContext, s: Session, msg: Req<'nick'>): void {
  if (msg.nick !== s.nick && ctx.nicks.has(msg.nick)) {
    s.error('ERR_NICK_IN_USE', `nick ${msg.nick} is taken`, msg.id);
    return;
  }
  renamed(ctx, s, msg);
}

/** Switches the session's nick in the local table, tells its rooms, replies `renamed`. */
export function renamed(ctx: ServerContext, s: Session, msg: Req<'nick'>): void {
  const old = s.nick;
  ctx.nicks.delete(old);
  s.nick = msg.nick;
  ctx.nicks.set(s.nick, s);
  for (const room of s.rooms.values()) {
    room.broadcast(
      encodeFrame({ type: 'presence', room: room.name, nick: old, action: 'nick', to: s.nick }),
      s,
    );
  }
  s.reply({ type: 'renamed', re: msg.id, nick: s.nick });
}
