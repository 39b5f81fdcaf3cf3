/** Routing each request to the room bus; hello's version check and the ping/bye plumbing. */
import { type ClientMessage, PROTOCOL_VERSION, toServer } from './protocol.ts';
import type { ServerContext, Session } from './session.ts';

/** The `stats` reply: the counters, and the kicks by code as `kick.<CODE>`. */
export function countersOf(ctx: ServerContext): Record<string, number> {
  const out: Record<string, number> = { ...ctx.counters };
  for (const [code, n] of ctx.kicks) out[`kick.${code}`] = n;
  return out;
}

/**
 * Routes one decoded request. Requests before `hello` get ERR_HELLO_REQUIRED. Returns a
 * promise when the bus answers asynchronously (Redis): the session runs the next request only
 * after it settles, so a `say` right after a `join` finds the room joined.
 */
export function dispatch(ctx: ServerContext, s: Session, msg: ClientMessage): void | Promise<void> {
  const { bus } = ctx;
  if (msg.type === 'hello') {
    if (!toServer.accepts.includes(msg.v)) {
      s.kick('ERR_PROTOCOL_VERSION', `server speaks version ${PROTOCOL_VERSION}, not ${msg.v}`);
      return;
    }
    if (s.welcomed) return s.error('ERR_INVALID_MESSAGE', 'hello sent twice', msg.id);
    return bus.hello(s, msg);
  }
  if (!s.welcomed && msg.type !== 'ping' && msg.type !== 'pong' && msg.type !== 'bye') {
    s.error('ERR_HELLO_REQUIRED', `send hello before ${msg.type}`);
    return;
  }
  switch (msg.type) {
    case 'say':
      return bus.say(s, msg);
    case 'join':
      return bus.join(s, msg);
    case 'leave':
      return bus.leave(s, msg);
    case 'whisper':
      return bus.whisper(s, msg);
    case 'nick':
      return bus.rename(s, msg);
    case 'who':
      return bus.who(s, msg);
    case 'rooms':
      return bus.rooms(s, msg);
    case 'stats':
      s.reply({ type: 'counters', re: msg.id, counters: countersOf(ctx) });
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
