/** Accepting a connection: the caps in total and per source, then one Session until it closes. */
import type { Socket } from 'node:net';
import { type ServerContext, Session } from './session.ts';
import { sourceKey } from './source-policy.ts';
import { encodeFrame } from './wire.ts';

export interface AcceptLimits {
  maxConnections: number;
  maxPerIp: number;
  /** IPv6 clients count per network of this prefix (sourceKey in source-policy.ts). */
  ipv6Prefix: number;
}

/** Returns the listener's connection handler. */
export function acceptor(
  ctx: ServerContext,
  { maxConnections, maxPerIp, ipv6Prefix }: AcceptLimits,
) {
  const perIp = new Map<string, number>();
  let nextId = 1;
  return (socket: Socket): void => {
    if (socket.destroyed) return; // refused by the source policy (screenSources) just before
    const addr = socket.remoteAddress ?? '?';
    const peer = `${addr.includes(':') ? `[${addr}]` : addr}:${socket.remotePort}`;
    const ip = sourceKey(addr, ipv6Prefix); // an IPv6 client counts as its /64
    const fromIp = perIp.get(ip) ?? 0;
    if (ctx.sessions.size >= maxConnections || fromIp >= maxPerIp) {
      // Refused politely: one error frame saying which cap was hit, then close.
      ctx.counters.refused++;
      const which = fromIp >= maxPerIp ? `${maxPerIp} from ${ip}` : `${maxConnections} in total`;
      socket.on('error', () => {});
      socket.end(
        encodeFrame({
          type: 'error',
          code: 'ERR_TOO_MANY_CONNECTIONS',
          message: `at most ${which}`,
        }),
      );
      return;
    }
    perIp.set(ip, fromIp + 1);
    socket.setNoDelay(true);
    const s = new Session(String(nextId++), socket, peer, ctx);
    ctx.sessions.add(s);
    ctx.counters.accepted++;
    ctx.counters.connections = ctx.sessions.size;
    socket.on('error', (err) => ctx.events.emit('socket-error', peer, err));
    socket.on('close', () => {
      ctx.sessions.delete(s);
      ctx.bus.release(s);
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
      ctx.counters.connections = ctx.sessions.size;
      if (ctx.sessions.size === 0) ctx.events.emit('drained');
    });
  };
}

/**
 * Once a second: empty rooms past their time, stalled readers, hello and idle timeouts, and a
 * ping to anyone quiet for `pingInterval`.
 */
export function sweepSessions(ctx: ServerContext): void {
  const now = performance.now();
  const { pingInterval, idleTimeout } = ctx.limits;
  if (ctx.rooms.sweep(now) > 0) ctx.counters.rooms = ctx.rooms.size;
  ctx.counters.roomsRemoved = ctx.rooms.removed;
  for (const s of ctx.sessions) {
    if (s.closing) continue;
    s.checkSlow(now);
    if (s.closing) continue;
    if (!s.welcomed && now - s.opened > ctx.helloTimeout) {
      ctx.counters.idleKicks++;
      s.kick('ERR_HELLO_REQUIRED', `no hello within ${ctx.helloTimeout} ms`);
    } else if (now - s.lastSeen > idleTimeout) {
      ctx.counters.idleKicks++;
      s.kick('ERR_IDLE_TIMEOUT', `nothing received for ${idleTimeout} ms`);
    } else if (!s.pinged && now - s.lastSeen > pingInterval) {
      s.pinged = true;
      s.reply({ type: 'ping', t: Date.now() });
    }
  }
}
