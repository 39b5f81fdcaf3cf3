/** SSH server core: TCP accept, handshake, key login, a session's exec, its output and close; never listens on import. */
import type { AddressInfo, Socket } from 'node:net';
import net from 'node:net';
import { debuglog } from 'node:util';
import type { AuthenticationType, ClientInfo, Connection } from 'ssh2';
import ssh2 from 'ssh2';
import { authenticate } from './auth.ts';
import { runCommand } from './commands.ts';
import { type ConnectionLayers, serverLayers } from './layers.ts';
import { type ServerOptions, type ServerSettings, withDefaults } from './server-options.ts';

export type { ServerOptions } from './server-options.ts';

const debug = debuglog('ssh-shell');

export interface SshShellServer {
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stop listening, end every connection and every process they started. */
  close(): Promise<void>;
}

export function createServer(options: ServerOptions): SshShellServer {
  const o = withDefaults(options);
  // Everything a single exec does not need (accept-time limits, login penalties, MaxAuthTries,
  // idle timer, PTY, env, signals, SFTP, forced commands, the log) sits behind this one seam.
  const layers = serverLayers(o);
  const ssh = new ssh2.Server(
    {
      hostKeys: [o.hostKey],
      // RFC 4253 §4.2: each side first sends a version line, `SSH-2.0-netlab-ssh-shell`;
      // then key exchange (§7) agrees on ciphers and keys, and the server signs the exchange
      // with this host key: that signature is what the client checks against known_hosts.
      ident: 'netlab-ssh-shell',
      // Keepalive (RFC 4254 §4 global requests) finds a peer that vanished without a FIN.
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax,
      // What we offer per category; the CLIENT's order picks from it (RFC 4253 §7.1), so a
      // cipher we do not want used (chacha20 without ssh2's native build) is left out.
      algorithms: o.algorithms,
      ...(o.trace ? { debug: o.trace } : {}),
    },
    // Called once per TCP connection after the client's version line; authentication and
    // channels arrive later as events on `conn`.
    (conn, info) => serveConnection(conn, info, o, layers.connection(conn, info)),
  );
  const sockets = new Set<Socket>();
  // We own the TCP listener and hand each accepted socket to ssh2, so the layers see it
  // before any SSH byte is read (and can close it without sending one).
  const tcp = net.createServer((socket) => {
    if (!layers.admit(socket)) return;
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
      const ended = layers.close();
      for (const socket of sockets) socket.destroy();
      await ended;
      await closed;
    },
  };
}

/** One SSH connection: login, then session channels, each running one command. */
function serveConnection(
  conn: Connection,
  info: ClientInfo,
  o: ServerSettings,
  layer: ConnectionLayers,
) {
  // RFC 4252 §5.1: every refusal lists the methods that "can continue", so a client knows
  // what else to try; we offer keys, and passwords only when a password file is set.
  const methods: AuthenticationType[] = o.passwords ? ['publickey', 'password'] : ['publickey'];
  conn.on('authentication', (ctx) => {
    if (layer.hangingUp()) return;
    authenticate(ctx, { ...o, clientIp: info.ip })
      .then((result) => {
        // RFC 4252 §5.2: a client opens with method "none" to learn the methods; not a failure.
        if (result === 'none') return ctx.reject(methods);
        if (typeof result === 'string') return layer.refuse(ctx, result, () => ctx.reject(methods));
        // RFC 4252 §7: the key would do, but came without a signature. PK_OK says "now sign".
        if (result.ok === 'query') return ctx.accept();
        layer.loggedIn(ctx, result.restrictions, result.detail);
        ctx.accept(); // USERAUTH_SUCCESS: from here on the client may open channels
      })
      .catch((err: Error) => layer.refuse(ctx, err.message, () => ctx.reject(methods)));
  });
  // A protocol error (a bad MAC, a malformed packet) or a reset ends this connection only:
  // without a listener Node would throw it and take the whole server down. Its 'close'
  // follows, and the layers end whatever the client started.
  conn.on('error', (err: Error) => debug('%s:%s: %s', info.ip, info.port, err.message));
  // 'ready': logged in. Only now does the connection protocol (RFC 4254) run: channels
  // asked for before USERAUTH_SUCCESS are never opened.
  conn.on('ready', () => {
    // RFC 4254 §6.1: a "session" channel. Its CHANNEL_OPEN (§5.1) carries the client's window
    // (how many bytes we may send before it grants more) and its largest packet; ssh2 keeps
    // both and splits our writes to fit.
    conn.on('session', (accept) => {
      const session = accept();
      // pty-req, env, signal, shell, subsystem and SFTP on this channel are the layers' to answer.
      const requests = layer.session(session);
      // RFC 4254 §6.5: one exec request per channel, its command a single string that the
      // user's shell parses, as sshd runs it (`$SHELL -c "..."`).
      session.on('exec', (accept, _reject, request) => {
        const channel = accept(); // CHANNEL_SUCCESS if the client asked for a reply
        const job = requests.exec(request.command, channel);
        // Output while it runs, then exit-status, EOF and CLOSE (commands.ts).
        if (job) void runCommand(job, channel);
      });
    });
  });
}
