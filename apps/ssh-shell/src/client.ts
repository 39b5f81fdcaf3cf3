/** SSH client: host keys checked against known_hosts, key/agent/password auth, exec, shell, SFTP. */
import type { AuthenticationType } from 'ssh2';
import ssh2 from 'ssh2';
import { type SshConnection, wrap } from './client-session.ts';
import { dial } from './dial.ts';
import { SshShellError } from './errors.ts';
import { type HostKeyPolicy, preferredHostKeyAlgorithms, verifyHostKey } from './host-verify.ts';
import type { Identity } from './identity.ts';
import { DEFAULTS } from './protocol.ts';
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
  /** Race IPv6 and IPv4 addresses of a name (RFC 8305, default true; see dial.ts). */
  happyEyeballs?: boolean;
  /** DNS servers (`host:port`) for names, instead of the system resolver (tests use dnsmasq). */
  dnsServers?: string[];
  /** Cipher preference, e.g. ['aes128-gcm@openssh.com']; ssh2's defaults otherwise. */
  ciphers?: string[];
  trace?: (line: string) => void;
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
export async function connect(o: ConnectOptions): Promise<SshConnection> {
  // TCP first, every address of the name raced (dial.ts); SSH then runs over that socket.
  const sock = await dial({
    host: o.host,
    port: o.port,
    timeoutMs: o.readyTimeoutMs ?? 20_000,
    happyEyeballs: o.happyEyeballs,
    dnsServers: o.dnsServers,
  });
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
      sock,
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
    // Node's sockets batch small writes (Nagle) unless told not to. SSH sends many small
    // messages in a row (CHANNEL_CLOSE then CHANNEL_OPEN; NEWKEYS then SERVICE_REQUEST), and
    // the second would wait up to 40 ms for the server's delayed ACK of the first.
    client.setNoDelay(true);
  });
}

export type { ExecIO, ShellIO, SshConnection } from './client-session.ts';
