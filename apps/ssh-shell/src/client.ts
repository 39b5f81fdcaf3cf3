/** SSH client: host keys checked against known_hosts, key/agent/password auth, exec, shell, SFTP. */
import type { Readable, Writable } from 'node:stream';
import type { AuthenticationType, ClientChannel, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import { SshShellError } from './errors.ts';
import { type HostKeyPolicy, preferredHostKeyAlgorithms, verifyHostKey } from './host-verify.ts';
import type { Identity } from './identity.ts';
import { DEFAULTS, type ExecResult } from './protocol.ts';
import { protocolTrace } from './trace.ts';

export interface ConnectOptions extends HostKeyPolicy {
  host: string;
  port: number;
  username: string;
  identities?: Identity[];
  /** ssh-agent socket path (SSH_AUTH_SOCK). */
  agent?: string;
  /** Tried last, only if set (from an environment variable, never a flag). */
  password?: string;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  readyTimeoutMs?: number;
  /** Cipher preference, e.g. ['aes128-gcm@openssh.com']; ssh2's defaults otherwise. */
  ciphers?: string[];
  trace?: (line: string) => void;
}

export interface ExecIO {
  stdout: Writable;
  stderr: Writable;
  /** Sent as the command's input; without it the command sees EOF at once (like ssh -n). */
  stdin?: Readable;
  env?: Record<string, string>;
}

export interface ShellIO {
  stdin: Readable;
  stdout: Writable;
  term: string;
  cols: number;
  rows: number;
  env?: Record<string, string>;
  /** Called with a function that sends window-change; wire it to SIGWINCH. */
  onResize?: (resize: (cols: number, rows: number) => void) => void;
}

export interface SshConnection {
  client: ssh2.Client;
  exec(command: string, io: ExecIO): Promise<ExecResult>;
  shell(io: ShellIO): Promise<ExecResult>;
  sftp(): Promise<SFTPWrapper>;
  end(): Promise<void>;
}

type Method = { label: string; type: AuthenticationType; method: ssh2.AuthenticationType | object };

function authMethods(o: ConnectOptions): Method[] {
  const username = o.username;
  const methods: Method[] = [];
  if (o.agent)
    methods.push({
      label: 'agent',
      type: 'agent',
      method: { type: 'agent', username, agent: o.agent },
    });
  for (const id of o.identities ?? []) {
    methods.push({
      label: `publickey ${id.key.type} ${id.source}`,
      type: 'publickey',
      method: { type: 'publickey', username, key: id.key },
    });
  }
  if (o.password !== undefined) {
    methods.push({
      label: 'password',
      type: 'password',
      method: { type: 'password', username, password: o.password },
    });
  }
  return methods;
}

/** Open an authenticated connection, or reject with a coded SshShellError. */
export function connect(o: ConnectOptions): Promise<SshConnection> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    const methods = authMethods(o);
    const tried: string[] = [];
    let refusal: unknown;
    let settled = false;
    client.once('ready', () => {
      settled = true;
      resolve(wrap(client));
    });
    // The server may also just hang up (MaxAuthTries, grace time): that must settle too.
    client.once('close', () => {
      if (settled) return;
      settled = true;
      reject(
        refusal ??
          new SshShellError(
            'ERR_DISCONNECTED',
            `${o.host}:${o.port} closed the connection during login (tried ${tried.join(', ') || 'nothing'})`,
          ),
      );
    });
    // `on`, not `once`: a reset can follow the first error, and must not go unhandled.
    client.on('error', (err: Error & { level?: string }) => {
      client.end();
      if (settled) return;
      settled = true;
      if (refusal) return reject(refusal);
      const where = `${o.username}@${o.host}:${o.port}`;
      if (err.level === 'client-authentication') {
        const list = tried.length > 0 ? tried.join(', ') : 'none (no identity, agent or password)';
        return reject(
          new SshShellError('ERR_AUTH_FAILED', `permission denied for ${where}; tried ${list}`, {
            cause: err,
          }),
        );
      }
      if (err.level === 'client-timeout')
        return reject(new SshShellError('ERR_TIMEOUT', `${where}: ${err.message}`, { cause: err }));
      if (err.level === 'client-socket')
        return reject(
          new SshShellError(
            'ERR_CONNECT',
            `cannot connect to ${o.host}:${o.port}: ${err.message}`,
            { cause: err },
          ),
        );
      reject(new SshShellError('ERR_DISCONNECTED', `${where}: ${err.message}`, { cause: err }));
    });
    client.connect({
      host: o.host,
      port: o.port,
      username: o.username,
      readyTimeout: o.readyTimeoutMs ?? 20_000,
      keepaliveInterval: o.keepaliveIntervalMs ?? DEFAULTS.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax ?? DEFAULTS.keepaliveCountMax,
      algorithms: {
        serverHostKey: preferredHostKeyAlgorithms(
          o,
          o.host,
          o.port,
        ) as ssh2.ServerHostKeyAlgorithm[],
        ...(o.ciphers ? { cipher: o.ciphers as ssh2.CipherAlgorithm[] } : {}),
      },
      hostVerifier: (key: Buffer) => {
        try {
          // Evaluate before tracing: `o.trace?.(f())` would skip f() when trace is unset.
          const verdict = verifyHostKey(o, o.host, o.port, key);
          o.trace?.(verdict);
          return true;
        } catch (err) {
          refusal = err;
          return false;
        }
      },
      authHandler: (left, _partial, next) => {
        let m = methods.shift();
        while (m && left && !left.includes(m.type === 'agent' ? 'publickey' : m.type))
          m = methods.shift();
        if (!m) return next(false as never);
        tried.push(m.label);
        o.trace?.(`auth: trying ${m.label}`);
        next(m.method as never);
      },
      ...(o.trace ? { debug: protocolTrace(o.trace) } : {}),
    });
  });
}

/** Resolve with the exit status once the channel closes; a lost connection rejects. */
function awaitExit(client: ssh2.Client, stream: ClientChannel): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const result: ExecResult = { exitCode: null, signal: null };
    const lost = () =>
      reject(new SshShellError('ERR_DISCONNECTED', 'connection closed before the command ended'));
    client.once('close', lost);
    stream.on('exit', (code: number | null, signal?: string) => {
      if (typeof code === 'number') result.exitCode = code;
      else result.signal = signal ? signal.replace(/^SIG/, '') : null; // RFC 4254 names: TERM
    });
    stream.once('close', () => {
      client.off('close', lost);
      resolve(result);
    });
  });
}

function wrap(client: ssh2.Client): SshConnection {
  const channelError = (err: Error) =>
    new SshShellError('ERR_CHANNEL', err.message, { cause: err });
  let closed = false;
  client.once('close', () => {
    closed = true;
  });
  return {
    client,
    exec: (command, io) =>
      new Promise((resolve, reject) => {
        client.exec(command, io.env ? { env: io.env } : {}, (err, stream) => {
          if (err) return reject(channelError(err));
          stream.pipe(io.stdout, { end: false });
          stream.stderr.pipe(io.stderr, { end: false });
          if (io.stdin) io.stdin.pipe(stream);
          else stream.end();
          awaitExit(client, stream).then(resolve, reject);
        });
      }),
    shell: (io) =>
      new Promise((resolve, reject) => {
        const win = { term: io.term, cols: io.cols, rows: io.rows };
        client.shell(win, io.env ? { env: io.env } : {}, (err, stream) => {
          if (err) return reject(channelError(err));
          io.onResize?.((cols, rows) => stream.setWindow(rows, cols, 0, 0));
          io.stdin.pipe(stream);
          stream.pipe(io.stdout, { end: false });
          awaitExit(client, stream).then((r) => {
            io.stdin.unpipe(stream);
            resolve(r);
          }, reject);
        });
      }),
    sftp: () =>
      new Promise((resolve, reject) =>
        client.sftp((err, sftp) =>
          err ? reject(new SshShellError('ERR_SFTP', err.message, { cause: err })) : resolve(sftp),
        ),
      ),
    end: () =>
      new Promise((resolve) => {
        if (closed) return resolve();
        client.once('close', () => resolve());
        client.end();
      }),
  };
}
