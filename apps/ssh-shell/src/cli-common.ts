/** Pieces shared by the client commands: targets (`[user@]host[:port]`) and connection flags. */
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseEndpoint, parsePort } from '@netlab/addressing/endpoint';
import { parseInteger, UsageError, userPath } from '@netlab/cli';
import type { CONNECTION_FLAGS } from './cli-help.ts';
import type { ConnectOptions } from './client.ts';
import { SshShellError } from './errors.ts';
import type { Target } from './multi.ts';
import { DEFAULT_CLIENT_PORT } from './protocol.ts';

type Values = { [K in keyof typeof CONNECTION_FLAGS]?: unknown };

/** `[user@]host[:port]` through @netlab/addressing's endpoint parser. */
export function parseTarget(text: string, values: Values): Target {
  const at = text.lastIndexOf('@');
  const user = at >= 0 ? text.slice(0, at) : ((values.login as string) ?? userInfo().username);
  const rest = at >= 0 ? text.slice(at + 1) : text;
  if (user === '' || rest === '')
    throw new UsageError(`bad target '${text}' (want [user@]host[:port])`);
  const defaultPort = values.port ? parsePort(values.port as string) : DEFAULT_CLIENT_PORT;
  const ep = parseEndpoint(rest, { defaultPort });
  return { label: text, host: ep.host, port: ep.port, username: user };
}

/** Hosts from `-H a,b` and/or a hosts file (one target per line, `#` comments). */
export function readTargets(list: string | undefined, file: string | undefined, values: Values) {
  const names = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (file) {
    const path = userPath(file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new SshShellError('ERR_HOSTS_FILE', `cannot read hosts file ${path}`, { cause: err });
    }
    for (const line of text.split(/\r?\n/)) {
      const t = line.replace(/#.*/, '').trim();
      if (t) names.push(t);
    }
  }
  return names.map((n) => parseTarget(n, values));
}

/** Connection settings (everything but the target) from the flags and environment. */
export async function connectionSettings(
  values: Values,
): Promise<Omit<ConnectOptions, 'host' | 'port' | 'username'>> {
  // Keys are parsed by ssh2: loaded here, after every usage check has passed.
  const { agentSocket, loadIdentities } = await import('./identity.ts');
  // Every path a user typed is taken from where they ran the command (INIT_CWD under pnpm).
  const identities = loadIdentities(
    ((values.identity as string[] | undefined) ?? []).map((f) => userPath(f)),
  );
  const agent = values['no-agent'] ? undefined : agentSocket();
  const password = process.env.NETLAB_SSH_PASSWORD;
  if (identities.length === 0 && !agent && password === undefined) {
    throw new SshShellError(
      'ERR_NO_IDENTITY',
      'no identity: pass -i FILE, create ~/.ssh/id_ed25519 (ssh-keygen -t ed25519) or start ssh-agent',
    );
  }
  const seconds = (name: string, v: unknown, dflt: number) =>
    v === undefined ? dflt : parseInteger(name, v as string, { min: 0, max: 86_400 }) * 1000;
  return {
    knownHostsFile: values['known-hosts']
      ? userPath(values['known-hosts'] as string)
      : join(homedir(), '.ssh', 'known_hosts'),
    acceptNew: values['accept-new'] === true,
    hashKnownHosts: values['hash-known-hosts'] === true,
    identities,
    ...(agent ? { agent } : {}),
    ...(password !== undefined ? { password } : {}),
    keepaliveIntervalMs: seconds('--keepalive', values.keepalive, 15_000),
    readyTimeoutMs: seconds('--connect-timeout', values['connect-timeout'], 20_000),
    ...(values.cipher ? { ciphers: [values.cipher as string] } : {}),
    ...(values.trace ? { trace: (line: string) => process.stderr.write(`trace: ${line}\n`) } : {}),
  };
}
