/** One SSH connection on the server: authentication, limits, idle timer, sessions, cleanup. */
import { debuglog } from 'node:util';
import type { AuthContext, AuthenticationType, Connection, ServerChannel } from 'ssh2';
import { type AuthOptions, authenticate, baseEnv } from './auth.ts';
import { type KeyRestrictions, UNRESTRICTED } from './key-options.ts';
import type { SourcePenalties } from './penalties.ts';
import { endSession, groupAlive, sessionMembers } from './processes.ts';
import type { LogEntry, ServerOptionsLimits } from './protocol.ts';
import { handleSession } from './session.ts';

const debug = debuglog('ssh-shell');

export type ConnOptions = AuthOptions &
  ServerOptionsLimits & {
    shell: string;
    home: string;
    sftpRoot: string;
    envAllow: string[];
    log: (entry: Omit<LogEntry, 'time'>) => void;
    /** Stops the login grace timer. */
    authenticated: () => void;
    penalties: SourcePenalties;
    /** The penalty key of the client's address (sourceKey). */
    source: string;
  };

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

/** One client connection: the boundary that owns its errors, timers and processes. */
export function handleConnection(
  conn: Connection,
  from: string,
  leaders: Set<number>,
  o: ConnOptions,
) {
  let failures = 0;
  let user = '';
  let restrictions: KeyRestrictions = UNRESTRICTED;
  const methods: AuthenticationType[] = o.passwords ? ['publickey', 'password'] : ['publickey'];
  let idle: NodeJS.Timeout | undefined;
  const activity = () => idle?.refresh();

  let closed = false;
  const hangUp = (detail: string) => {
    o.log({ event: 'disconnect', from, detail });
    conn.end();
  };
  const fail = (ctx: AuthContext, why: string) => {
    if (failures >= o.maxAuthTries) return;
    failures++;
    // Only a try at a secret counts towards the source's budget: a password, or a signature.
    // "Would this key do?" queries prove nothing and OpenSSH sends one per key it holds.
    const guess = ctx.method === 'password' || (ctx.method === 'publickey' && !!ctx.signature);
    const penalty = guess ? o.penalties.failure(o.source) : undefined;
    const detail = penalty
      ? `${why}; source ${o.source}: ${penalty.failures} failure(s), answered after ${penalty.delayMs} ms`
      : why;
    o.log({ event: 'auth', from, user: ctx.username, method: ctx.method, ok: false, detail });
    const answer = () => {
      if (closed) return;
      ctx.reject(methods);
      if (penalty?.penalised) {
        const s = Math.round(o.penalties.o.penaltyMs / 1000);
        return hangUp(
          `source ${o.source} over its budget of ${o.penalties.o.budget} failed logins: refused for ${s} s`,
        );
      }
      // MaxAuthTries: the connection is dropped once this many requests failed ('none' is free).
      if (failures >= o.maxAuthTries) hangUp(`too many authentication failures (${failures})`);
    };
    // The delay doubles with the source's failures, so guessing in parallel gains nothing.
    if (penalty) setTimeout(answer, penalty.delayMs);
    else answer();
  };
  conn.on('authentication', (ctx) => {
    if (failures >= o.maxAuthTries) return; // already hanging up; requests in flight get nothing
    authenticate(ctx, o)
      .then((result) => {
        if (result === 'none') return ctx.reject(methods);
        if (typeof result === 'string') return fail(ctx, result);
        if (result.ok === 'query') return ctx.accept(); // PK_OK: "this key would do, now sign"
        user = ctx.username;
        restrictions = result.restrictions;
        o.penalties.success(o.source);
        o.log({
          event: 'auth',
          from,
          user,
          method: ctx.method,
          ok: true,
          ...(result.detail ? { detail: result.detail } : {}),
        });
        ctx.accept();
      })
      .catch((err: Error) => fail(ctx, err.message));
  });
  conn.on('ready', () => {
    o.authenticated();
    if (o.idleTimeoutMs > 0) {
      idle = setTimeout(() => {
        o.log({ event: 'disconnect', from, user, detail: `idle for ${o.idleTimeoutMs} ms` });
        conn.end();
      }, o.idleTimeoutMs);
    }
    conn.on('session', (accept) => {
      handleSession(accept(), {
        user,
        from,
        shell: o.shell,
        home: o.home,
        sftpRoot: o.sftpRoot,
        envAllow: o.envAllow,
        env: baseEnv(o.home, o.shell, user, from),
        restrictions,
        track: (leader, channel, pty) => trackLeader(leaders, leader, channel, pty),
        activity,
        log: o.log,
      });
    });
  });
  // Port forwarding either way (RFC 4254 §7) and Unix-socket forwarding are not offered; ssh2
  // refuses them without a listener, these say so in the log too (and why: the key or us).
  const refuseForwarding = (what: string) => {
    const why = restrictions.noPortForwarding ? 'key forbids it' : 'not supported';
    o.log({ event: 'refused', from, user, detail: `${what}: ${why}` });
  };
  conn.on('tcpip', (_accept, reject, info) => {
    refuseForwarding(`direct-tcpip to ${info.destIP}:${info.destPort}`);
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
  conn.on('error', (err: Error) => debug('%s: %s', from, err.message));
  conn.on('close', () => {
    closed = true;
    if (idle) clearTimeout(idle);
    // The client is gone: end everything it started (no orphans), then log.
    const pending = [...leaders].map((l) => endSession(l));
    leaders.clear();
    void Promise.all(pending).then(() =>
      o.log({
        event: 'disconnect',
        from,
        ...(user ? { user } : {}),
        ...(pending.length > 0 ? { detail: `ended ${pending.length} running session(s)` } : {}),
      }),
    );
  });
}
