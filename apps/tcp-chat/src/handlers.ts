/** Routing each request, and the requests about people: hello, whisper, nick. */
import { randomBytes } from 'node:crypto';
import { type ClientMessage, PROTOCOL_VERSION, toServer } from './protocol.ts';
import { join, leave, release, say } from './room-handlers.ts';
import type { ServerContext, Session } from './session.ts';
import { encodeFrame } from './wire.ts';

type Req<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

/** Routes one decoded request. Requests before `hello` get ERR_HELLO_REQUIRED. */
export function dispatch(ctx: ServerContext, s: Session, msg: ClientMessage): void {
  if (msg.type === 'hello') {
    hello(ctx, s, msg);
    return;
  }
  if (!s.welcomed && msg.type !== 'ping' && msg.type !== 'pong' && msg.type !== 'bye') {
    s.error('ERR_HELLO_REQUIRED', `send hello before ${msg.type}`);
    return;
  }
  switch (msg.type) {
    case 'say':
      say(s, msg);
      return;
    case 'join':
      join(ctx, s, msg);
      return;
    case 'leave':
      leave(s, msg);
      return;
    case 'whisper':
      whisper(ctx, s, msg);
      return;
    case 'nick':
      rename(ctx, s, msg);
      return;
    case 'who': {
      const room = ctx.rooms.get(msg.room);
      const nicks = room ? [...room.members].map((m) => m.nick) : [];
      s.reply({ type: 'members', re: msg.id, room: msg.room, nicks });
      return;
    }
    case 'rooms': {
      const rooms = ctx.rooms
        .list()
        .map((r) => ({ name: r.name, members: r.members.size, seq: r.seq }));
      s.reply({ type: 'room-list', re: msg.id, rooms });
      return;
    }
    case 'stats':
      s.reply({ type: 'counters', re: msg.id, counters: { ...ctx.counters } });
      return;
    case 'ping':
      s.reply({ type: 'pong', t: msg.t });
      return;
    case 'pong':
      return;
    case 'bye':
      s.closing = true;
      s.socket.end();
  }
}

function hello(ctx: ServerContext, s: Session, msg: Req<'hello'>): void {
  if (!toServer.accepts.includes(msg.v)) {
    s.kick('ERR_PROTOCOL_VERSION', `server speaks version ${PROTOCOL_VERSION}, not ${msg.v}`);
    return;
  }
  if (s.welcomed) {
    s.error('ERR_INVALID_MESSAGE', 'hello sent twice', msg.id);
    return;
  }
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
  s.nick = msg.nick;
  s.token = msg.token ?? randomBytes(12).toString('base64url');
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

function whisper(ctx: ServerContext, s: Session, msg: Req<'whisper'>): void {
  const to = ctx.nicks.get(msg.to);
  if (!to) {
    s.error('ERR_NO_SUCH_NICK', `no one is called ${msg.to}`, msg.id);
    return;
  }
  const frame = encodeFrame({
    type: 'private',
    from: s.nick,
    to: to.nick,
    ts: Date.now(),
    text: msg.text,
  });
  to.send(frame);
  if (to !== s) s.send(frame); // the echo is the sender's acknowledgement
}

function rename(ctx: ServerContext, s: Session, msg: Req<'nick'>): void {
  if (msg.nick !== s.nick && ctx.nicks.has(msg.nick)) {
    s.error('ERR_NICK_IN_USE', `nick ${msg.nick} is taken`, msg.id);
    return;
  }
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
