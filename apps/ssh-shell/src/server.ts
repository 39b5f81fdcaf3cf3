/** SSH server: public-key (and optional password) auth, exec, PTY shells, SFTP; never listens on import. */
import type { AddressInfo, Socket } from 'node:net';
import net from 'node:net';
import { homedir, userInfo } from 'node:os';
import { debuglog } from 'node:util';
import type { Algorithms, Connection } from 'ssh2';
import ssh2 from 'ssh2';
import { handleConnection } from './connection.ts';
import { loadPasswordFile } from './passwords.ts';
import { type PenaltyOptions, SourcePenalties, sourceKey } from './penalties.ts';
import { endSession } from './processes.ts';
import { DEFAULT_ENV_ALLOW, DEFAULTS, type LogEntry } from './protocol.ts';
import { STARTUP_DEFAULTS, type StartupLimits, Startups } from './startups.ts';

const debug = debuglog('ssh-shell');

export interface ServerOptions {
  /** Host private key (OpenSSH format), e.g. from loadOrCreateHostKey(). */
  hostKey: string;
  /** OpenSSH authorized_keys file, re-read on every attempt as sshd does. */
  authorizedKeysFile: string;
  /** Enables password auth with this scrypt password file (see passwords.ts). Off when unset. */
  passwordFile?: string;
  /** The one login name accepted; commands run as the server's own user. Default: that user. */
  user?: string;
  shell?: string;
  /** Working directory of commands. Default: home directory. */
  home?: string;
  /** What SFTP clients see as `/`. Default: `home`. */
  sftpRoot?: string;
  envAllow?: string[];
  maxAuthTries?: number;
  loginGraceMs?: number;
  /** No channel data either way for this long ends the connection; 0 disables. */
  idleTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  algorithms?: Algorithms;
  /** Per-source failed-login budget, delays and penalty time (see penalties.ts). */
  penalties?: Partial<PenaltyOptions>;
  /** Bounds on connections not yet logged in (see startups.ts). */
  startups?: Partial<StartupLimits>;
  onLog?: (entry: LogEntry) => void;
  /** Protocol trace lines (ssh2 debug output: kex, auth, channel requests). */
  trace?: (line: string) => void;
}

export interface SshShellServer {
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stop listening, end every connection and every process they started. */
  close(): Promise<void>;
}

export function createServer(options: ServerOptions): SshShellServer {
  const me = userInfo();
  const home = options.home ?? homedir();
  const o = {
    ...DEFAULTS,
    ...options,
    user: options.user ?? me.username,
    shell: options.shell ?? (me.shell || '/bin/sh'),
    home,
    sftpRoot: options.sftpRoot ?? home,
    envAllow: options.envAllow ?? DEFAULT_ENV_ALLOW,
  };
  const passwords = o.passwordFile ? loadPasswordFile(o.passwordFile) : undefined;
  const log = (entry: Omit<LogEntry, 'time'>) =>
    o.onLog?.({ time: new Date().toISOString(), ...entry });
  const penalties = new SourcePenalties(o.penalties);
  const startups = new Startups({ ...STARTUP_DEFAULTS, ...o.startups });
  const connections = new Set<{ conn: Connection; leaders: Set<number> }>();
  const sockets = new Set<Socket>();
  /** Per connection not yet logged in: stops its grace timer and frees its startup slot. */
  const pending = new Map<string, () => void>();
  const ssh = new ssh2.Server(
    {
      hostKeys: [o.hostKey],
      ident: 'netlab-ssh-shell',
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax,
      ...(o.algorithms ? { algorithms: o.algorithms } : {}),
      ...(o.trace ? { debug: o.trace } : {}),
    },
    (conn, info) => {
      const state = { conn, leaders: new Set<number>() };
      connections.add(state);
      const from = `${info.ip}:${info.port}`;
      log({ event: 'connect', from, detail: info.header.identRaw });
      const authenticated = () => pending.get(from)?.();
      const source = sourceKey(info.ip);
      handleConnection(conn, from, state.leaders, {
        ...o,
        passwords,
        log,
        authenticated,
        penalties,
        source,
      });
      conn.on('close', () => connections.delete(state));
    },
  );
  // We own the TCP listener and hand sockets to ssh2, so LoginGraceTime starts at accept:
  // a peer that never even sends its version line is cut off too.
  const tcp = net.createServer((socket) => {
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    const source = sourceKey(socket.remoteAddress);
    const refused = penalties.admit(source);
    if (refused) {
      // A penalised source is cut off before a byte of SSH; counted, logged 1st and every 100th.
      if (refused.count === 1 || refused.count % 100 === 0)
        log({
          event: 'refused',
          from,
          detail: `source ${source} penalised for ${Math.ceil(refused.waitMs / 1000)} s more (${refused.count} connection(s) refused)`,
        });
      socket.destroy();
      return;
    }
    const slot = startups.take(source);
    if (typeof slot === 'string') {
      const n = startups.refusedCount;
      if (n === 1 || n % 100 === 0)
        log({ event: 'refused', from, detail: `${slot}; ${n} refused so far` });
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      log({ event: 'disconnect', from, detail: `login grace time ${o.loginGraceMs} ms exceeded` });
      socket.destroy();
    }, o.loginGraceMs);
    const loggedIn = () => {
      clearTimeout(timer);
      slot();
      pending.delete(from);
    };
    pending.set(from, loggedIn);
    socket.on('close', () => {
      loggedIn();
      sockets.delete(socket);
    });
    socket.on('error', (err) => debug('%s: %s', from, err.message));
    coalesceWrites(socket, (unsent) =>
      log({ event: 'disconnect', from, detail: `peer reads nothing: ${unsent} bytes unsent` }),
    );
    ssh.injectSocket(socket);
  });
  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, host, () => {
          tcp.off('error', reject);
          resolve(tcp.address() as AddressInfo);
        });
      }),
    close: async () => {
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      const leaders = [...connections].flatMap((c) => [...c.leaders]);
      for (const c of connections) c.conn.end();
      for (const socket of sockets) socket.destroy();
      await Promise.all(leaders.map((l) => endSession(l)));
      await closed;
    },
  };
}

/**
 * Bytes Node may hold for one socket that the peer does not read. ssh2 writes whatever the
 * SSH window allows without looking at the socket, and the window is the client's to grant:
 * one that grants gigabytes (WINDOW_ADJUST, RFC 4254 §5.2) and stops reading TCP would have
 * the server buffer a command's whole output. An honest client's window is 2 MiB (OpenSSH,
 * ssh2), so this much unsent means the peer is not reading.
 */
const MAX_UNSENT = 32 * 1024 * 1024;

/**
 * ssh2 writes every SSH packet (at most 32 KiB for OpenSSH clients) with its own
 * socket.write(), one syscall each. Corking until the end of the tick hands the kernel all
 * packets of one burst in a single writev, as sshd does with its output buffer. Every write
 * also checks the bound above; past it the connection is destroyed.
 */
function coalesceWrites(socket: Socket, overflow: (unsent: number) => void): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  socket.write = ((...args: unknown[]) => {
    if (socket.writableLength > MAX_UNSENT) {
      if (!socket.destroyed) overflow(socket.writableLength);
      socket.destroy();
      return false;
    }
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write(...args);
  }) as Socket['write'];
}
