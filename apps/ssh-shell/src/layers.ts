/** The seam between the server's core (server.ts) and its layers: limits, penalties, idle timer, forwarding refusals, process clean-up, the log. */
import type { Socket } from 'node:net';
import type { AuthContext, ClientInfo, Connection, ServerChannel, Session } from 'ssh2';
import { baseEnv } from './auth.ts';
import { type KeyRestrictions, UNRESTRICTED } from './key-options.ts';
import { sourceKey } from './penalties.ts';
import { endSession, groupAlive, sessionMembers } from './processes.ts';
import { acceptGuards } from './server-guards.ts';
import type { ServerSettings } from './server-options.ts';
import { type SessionLayers, sessionLayers } from './session-layers.ts';

/** What the core asks of the layers about one connection. */
export interface ConnectionLayers {
  /** MaxAuthTries reached: the connection is being dropped; requests in flight get nothing. */
  hangingUp(): boolean;
  /** A failed login request: `answer` (USERAUTH_FAILURE) goes out now or after a penalty delay. */
  refuse(ctx: AuthContext, why: string, answer: () => void): void;
  /** The client is in: who, and what its authorized_keys line allows. */
  loggedIn(ctx: AuthContext, restrictions: KeyRestrictions, detail?: string): void;
  /** The requests of a session channel beyond exec (pty, env, signal, shell, SFTP, ...). */
  session(session: Session): SessionLayers;
}

export interface ServerLayers {
  /** Checks a new TCP socket before any SSH byte; false when refused (and destroyed). */
  admit(socket: Socket): boolean;
  connection(conn: Connection, info: ClientInfo): ConnectionLayers;
  /** End every connection and every process they started. */
  close(): Promise<void>;
}

/**
 * Remember a session leader until nothing of its session is left. A channel closed while its
 * command still runs ends that command; the connection's close ends whatever remains of all.
 */
function trackLeader(leaders: Set<number>, leader: number, channel: ServerChannel, pty: boolean) {
  leaders.add(leader);
  let exited = false;
  channel.once('close', () => {
    if (!exited) void endSession(leader);
  });
  return () => {
    exited = true;
    // Background jobs of this session (`cmd &`) may still run; keep the leader until they end.
    // Without job control (no PTY) they stay in the leader's process group, so one kill(0)
    // answers; a PTY shell moves jobs into groups of their own, which needs the /proc scan.
    if (groupAlive(leader)) return;
    if (!pty || sessionMembers(leader).length === 0) leaders.delete(leader);
  };
}

export function serverLayers(o: ServerSettings): ServerLayers {
  const guards = acceptGuards(o);
  /** Each connection with the session leaders it started, for close(). */
  const connections = new Set<{ conn: Connection; leaders: Set<number> }>();
  const connection = (conn: Connection, info: ClientInfo): ConnectionLayers => {
    const from = `${info.ip}:${info.port}`;
    const source = sourceKey(info.ip);
    const state = { conn, leaders: new Set<number>() };
    connections.add(state);
    o.log({ event: 'connect', from, detail: info.header.identRaw });
    let failures = 0;
    let user = '';
    let restrictions: KeyRestrictions = UNRESTRICTED;
    let closed = false;
    let idle: NodeJS.Timeout | undefined;
    const activity = () => idle?.refresh();
    const hangUp = (detail: string) => {
      o.log({ event: 'disconnect', from, detail });
      conn.end();
    };
    conn.on('ready', () => {
      guards.loggedIn(from);
      if (o.idleTimeoutMs > 0)
        idle = setTimeout(() => {
          o.log({ event: 'disconnect', from, user, detail: `idle for ${o.idleTimeoutMs} ms` });
          conn.end();
        }, o.idleTimeoutMs);
    });
    // Port forwarding either way (RFC 4254 §7) and Unix-socket forwarding are not offered; ssh2
    // refuses them without a listener, these say so in the log too (and why: the key or us).
    const refuseForwarding = (what: string) => {
      const why = restrictions.noPortForwarding ? 'key forbids it' : 'not supported';
      o.log({ event: 'refused', from, user, detail: `${what}: ${why}` });
    };
    conn.on('tcpip', (_accept, reject, i) => {
      refuseForwarding(`direct-tcpip to ${i.destIP}:${i.destPort}`);
      reject();
    });
    conn.on('openssh.streamlocal', (_accept, reject) => {
      refuseForwarding('direct-streamlocal');
      reject();
    });
    conn.on('request', (_accept, reject, name) => {
      refuseForwarding(name);
      reject?.();
    });
    conn.on('close', () => {
      closed = true;
      connections.delete(state);
      if (idle) clearTimeout(idle);
      // The client is gone: end everything it started (no orphans), then log.
      const pending = [...state.leaders].map((l) => endSession(l));
      state.leaders.clear();
      void Promise.all(pending).then(() =>
        o.log({
          event: 'disconnect',
          from,
          ...(user ? { user } : {}),
          ...(pending.length > 0 ? { detail: `ended ${pending.length} running session(s)` } : {}),
        }),
      );
    });
    return {
      hangingUp: () => failures >= o.maxAuthTries,
      refuse(ctx, why, answer) {
        if (failures >= o.maxAuthTries) return;
        failures++;
        // Only a try at a secret counts towards the source's budget: a password, or a
        // signature. "Would this key do?" queries prove nothing; OpenSSH sends one per key.
        const guess = ctx.method === 'password' || (ctx.method === 'publickey' && !!ctx.signature);
        const penalty = guess ? guards.penalties.failure(source) : undefined;
        const detail = penalty
          ? `${why}; source ${source}: ${penalty.failures} failure(s), answered after ${penalty.delayMs} ms`
          : why;
        o.log({ event: 'auth', from, user: ctx.username, method: ctx.method, ok: false, detail });
        const later = () => {
          if (closed) return;
          answer();
          if (penalty?.penalised) {
            const { budget, penaltyMs } = guards.penalties.o;
            return hangUp(
              `source ${source} over its budget of ${budget} failed logins: refused for ${Math.round(penaltyMs / 1000)} s`,
            );
          }
          // MaxAuthTries: dropped once this many requests failed ('none' is free).
          if (failures >= o.maxAuthTries) hangUp(`too many authentication failures (${failures})`);
        };
        // The delay doubles with the source's failures, so guessing in parallel gains nothing.
        if (penalty) setTimeout(later, penalty.delayMs);
        else later();
      },
      loggedIn(ctx, keyRestrictions, detail) {
        user = ctx.username;
        restrictions = keyRestrictions;
        guards.penalties.success(source);
        const extra = detail ? { detail } : {};
        o.log({ event: 'auth', from, user, method: ctx.method, ok: true, ...extra });
      },
      session: (session) =>
        sessionLayers(session, {
          user,
          from,
          shell: o.shell,
          home: o.home,
          sftpRoot: o.sftpRoot,
          envAllow: o.envAllow,
          env: baseEnv(o.home, o.shell, user, from),
          restrictions,
          track: (leader, channel, pty) => trackLeader(state.leaders, leader, channel, pty),
          activity,
          log: o.log,
        }),
    };
  };
  return {
    admit: guards.admit,
    connection,
    close: async () => {
      const leaders = [...connections].flatMap((c) => [...c.leaders]);
      for (const c of connections) c.conn.end();
      await Promise.all(leaders.map((l) => endSession(l)));
    },
  };
}
