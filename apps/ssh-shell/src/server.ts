/** SSH server: public-key (and optional password) auth, exec, PTY shells, SFTP; never listens on import. */
import type { AddressInfo, Socket } from 'node:net';
import net from 'node:net';
import { homedir, userInfo } from 'node:os';
import { debuglog } from 'node:util';
import type { IPNetwork } from '@netlab/addressing/network';
import type { Algorithms, Connection } from 'ssh2';
import ssh2 from 'ssh2';
import { handleConnection } from './connection.ts';
import { loadPasswordFile } from './passwords.ts';
import { type PenaltyOptions, sourceKey } from './penalties.ts';
import { endSession } from './processes.ts';
import { DEFAULT_ENV_ALLOW, DEFAULTS, type LogEntry } from './protocol.ts';
import { acceptGuards } from './server-guards.ts';
import type { StartupLimits } from './startups.ts';

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
  /** Source networks admitted at accept; empty or unset admits every source (source-policy.ts). */
  allow?: readonly IPNetwork[];
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
  const guards = acceptGuards({ ...o, log });
  /** Each logged-in connection with the session leaders it started, for close(). */
  const connections = new Set<{ conn: Connection; leaders: Set<number> }>();
  const sockets = new Set<Socket>();
  const ssh = new ssh2.Server(
    {
      hostKeys: [o.hostKey],
      // RFC 4253 §4.2: each side first sends a version line, `SSH-2.0-netlab-ssh-shell`;
      // then key exchange (§7) agrees on ciphers and proves the server holds this host key.
      ident: 'netlab-ssh-shell',
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax,
      ...(o.algorithms ? { algorithms: o.algorithms } : {}),
      ...(o.trace ? { debug: o.trace } : {}),
    },
    // Called once per TCP connection after its version line; authentication and channels
    // arrive later as events on `conn`.
    (conn, info) => {
      const state = { conn, leaders: new Set<number>() };
      connections.add(state);
      const from = `${info.ip}:${info.port}`;
      log({ event: 'connect', from, detail: info.header.identRaw });
      handleConnection(conn, from, state.leaders, {
        ...o,
        passwords,
        log,
        authenticated: () => guards.loggedIn(from),
        penalties: guards.penalties,
        source: sourceKey(info.ip),
        clientIp: info.ip,
      });
      conn.on('close', () => connections.delete(state));
    },
  );
  // We own the TCP listener and hand each accepted socket to ssh2, so the guards (a layer of
  // their own, server-guards.ts) see it before any SSH byte is read.
  const tcp = net.createServer((socket) => {
    if (!guards.admit(socket)) return;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // SSH sends many small messages in a row (a reply, then exit-status, EOF, CLOSE): without
    // this, Nagle's algorithm holds each one back until the client ACKs the one before.
    socket.setNoDelay(true);
    // A reset peer emits 'error'; without a listener Node would throw it and end the server.
    socket.on('error', (err) =>
      debug('%s %s: %s', socket.remoteAddress, socket.remotePort, err.message),
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
    // Closing the listener alone leaves accepted connections (and the commands they run) alive.
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
