/** `server` and `hash-password` commands: run the SSH server, make password file lines. */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { formatEndpoint, parseEndpoint, parsePort } from '@netlab/addressing/endpoint';
import { color, parseCommandLine, parseInteger, UsageError, userPath } from '@netlab/cli';
import { HASH_PASSWORD_HELP, SERVER_FLAGS, SERVER_HELP } from './cli-help.ts';
import { SshShellError } from './errors.ts';
import { hashPassword } from './passwords.ts';
import { PENALTY_DEFAULTS } from './penalties.ts';
import { DEFAULT_SERVER_HOST, DEFAULT_SERVER_PORT, DEFAULTS, type LogEntry } from './protocol.ts';
import { STARTUP_DEFAULTS } from './startups.ts';
import { protocolTrace } from './trace.ts';

/** `2026-11-22T12:08:34Z session root@127.0.0.1:52980 exec "uname" exit=0 12ms` */
export function formatLog(e: LogEntry): string {
  const who = e.user ? `${e.user}@${e.from ?? '?'}` : (e.from ?? '');
  const parts = [color.dim(e.time.replace(/\.\d+Z$/, 'Z')), e.event, who];
  if (e.method) parts.push(e.method, e.ok ? color.green('accepted') : color.red('failed'));
  if (e.kind) parts.push(e.pty ? `${e.kind}+pty` : e.kind);
  if (e.command !== undefined) parts.push(JSON.stringify(e.command));
  if (e.kind) parts.push(e.signal ? `signal=${e.signal}` : `exit=${e.exitCode}`);
  if (e.durationMs !== undefined) parts.push(`${e.durationMs}ms`);
  if (e.detail) parts.push(color.dim(e.detail));
  return parts.filter(Boolean).join(' ');
}

export async function runServer(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({ args: argv, options: SERVER_FLAGS });
  if (values.help) {
    process.stdout.write(`${SERVER_HELP}\n`);
    return 0;
  }
  // ssh2 and node-pty load only now that --help is answered.
  const [{ loadAuthorizedKeys }, { loadOrCreateHostKey }, { createServer }] = await Promise.all([
    import('./authorized-keys.ts'),
    import('./keys.ts'),
    import('./server.ts'),
  ]);
  // Parsed before anything starts, so a bad value is a usage error (exit 2) naming it.
  const { parseAllow } = await import('./source-policy.ts');
  const allow = (values.allow ?? []).map(parseAllow);
  const ep = parseEndpoint(values.listen ?? `${DEFAULT_SERVER_HOST}:${DEFAULT_SERVER_PORT}`, {
    defaultHost: DEFAULT_SERVER_HOST,
    defaultPort: DEFAULT_SERVER_PORT,
  });
  const seconds = (name: string, v: string | undefined, dflt: number) =>
    v === undefined ? dflt : parseInteger(name, v, { min: 0, max: 86_400 }) * 1000;
  // Paths typed by the user are resolved where they ran the command (INIT_CWD under pnpm).
  const typed = (v: string | undefined) => (v === undefined ? undefined : userPath(v));
  const stateDir =
    typed(values.state) ??
    join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'netlab-ssh-shell');
  const home = typed(values.home);
  const sftpRoot = typed(values['sftp-root']);
  for (const [flag, dir] of [
    ['--home', home],
    ['--sftp-root', sftpRoot],
  ] as const) {
    if (dir !== undefined && !statSync(dir, { throwIfNoEntry: false })?.isDirectory())
      throw new SshShellError('ERR_DIRECTORY', `${flag} ${dir} is not a folder`);
  }
  // A shell given as a bare name is looked up on PATH by spawn; with a slash it is a path.
  const shell = values.shell?.includes('/') ? userPath(values.shell) : values.shell;
  const hostKey = loadOrCreateHostKey(stateDir);
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const note = (text: string) =>
    print(
      values.json
        ? JSON.stringify({ time: new Date().toISOString(), event: 'note', detail: text })
        : `ssh-shell: ${text}`,
    );
  const keysFile = typed(values['authorized-keys']) ?? join(homedir(), '.ssh', 'authorized_keys');
  // Re-read on every login (like sshd), but say now if it is missing or has bad lines.
  try {
    const keys = loadAuthorizedKeys(keysFile, (w) => note(`warning: ${w}`));
    note(`${keys.length} authorized key(s) in ${keysFile}`);
  } catch (err) {
    note(`warning: ${(err as Error).message}; every public-key login fails until it exists`);
  }
  const server = createServer({
    hostKey: hostKey.privateKey,
    authorizedKeysFile: keysFile,
    allow,
    ...(values['password-file'] ? { passwordFile: userPath(values['password-file']) } : {}),
    ...(home ? { home } : {}),
    ...(sftpRoot ? { sftpRoot } : {}),
    ...(shell ? { shell } : {}),
    ...(values['accept-env'] ? { envAllow: values['accept-env'].split(',').filter(Boolean) } : {}),
    maxAuthTries: parseInteger(
      '--max-auth-tries',
      values['max-auth-tries'] ?? String(DEFAULTS.maxAuthTries),
      { min: 1, max: 100 },
    ),
    loginGraceMs: seconds('--login-grace', values['login-grace'], DEFAULTS.loginGraceMs),
    startups: {
      maxStartups: parseInteger(
        '--max-startups',
        values['max-startups'] ?? String(STARTUP_DEFAULTS.maxStartups),
        { min: 1, max: 100_000 },
      ),
      perSourceMaxStartups: parseInteger(
        '--per-source-max-startups',
        values['per-source-max-startups'] ?? String(STARTUP_DEFAULTS.perSourceMaxStartups),
        { min: 1, max: 100_000 },
      ),
    },
    penalties: {
      budget: parseInteger(
        '--penalty-budget',
        values['penalty-budget'] ?? String(PENALTY_DEFAULTS.budget),
        { min: 1, max: 1_000_000 },
      ),
      penaltyMs: seconds('--penalty-time', values['penalty-time'], PENALTY_DEFAULTS.penaltyMs),
    },
    idleTimeoutMs: seconds('--idle-timeout', values['idle-timeout'], DEFAULTS.idleTimeoutMs),
    keepaliveIntervalMs: seconds('--keepalive', values.keepalive, DEFAULTS.keepaliveIntervalMs),
    onLog: (e) => print(values.json ? JSON.stringify(e) : formatLog(e)),
    ...(values.trace ? { trace: protocolTrace((l) => process.stderr.write(`trace: ${l}\n`)) } : {}),
  });
  // EADDRINUSE rejects here; runMain reports it as ERR_ADDRESS_IN_USE with a hint at --port.
  const addr = await server.listen(
    values.port === undefined ? ep.port : parsePort(values.port),
    ep.host,
  );
  const where = formatEndpoint({
    host: addr.address,
    port: addr.port,
    family: addr.family === 'IPv6' ? 'ipv6' : 'ipv4',
  });
  const keyNote = hostKey.created ? `new host key in ${stateDir}` : `host key from ${stateDir}`;
  if (values.json)
    print(
      JSON.stringify({
        time: new Date().toISOString(),
        event: 'listen',
        address: where,
        fingerprint: hostKey.fingerprint,
        publicKey: hostKey.publicKey,
      }),
    );
  else {
    print(`ssh-shell: listening on ${where}`);
    print(
      `ssh-shell: ${keyNote}: ${hostKey.publicKey.split(' ')[0]} ${color.bold(hostKey.fingerprint)}`,
    );
    print(
      `ssh-shell: known_hosts line: ${addr.port === 22 ? addr.address : `[${addr.address}]:${addr.port}`} ${hostKey.publicKey}`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

export async function runHashPassword(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help || positionals.length !== 1) {
    if (!values.help) throw new UsageError('hash-password: expected USER (try --help)');
    process.stdout.write(`${HASH_PASSWORD_HELP}\n`);
    return 0;
  }
  let password = process.env.NETLAB_SSH_PASSWORD;
  if (password === undefined) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  if (password === '') throw new UsageError('hash-password: empty password');
  process.stdout.write(`${await hashPassword(positionals[0]!, password)}\n`);
  return 0;
}
