/** `server` and `hash-password` commands: flags parsed, checked and help answered before anything heavy loads. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseEndpoint, parsePort } from '@netlab/addressing/endpoint';
import type { NetworkList } from '@netlab/addressing/network';
import { parseCommandLine, parseInteger, UsageError, userPath } from '@netlab/cli';
import { HASH_PASSWORD_HELP, SERVER_FLAGS, SERVER_HELP } from './cli-help.ts';
import {
  DEFAULT_SERVER_HOST,
  DEFAULT_SERVER_PORT,
  DEFAULTS,
  PENALTY_DEFAULTS,
  STARTUP_DEFAULTS,
} from './protocol.ts';

/** Everything the flags say, checked: a bad value is a usage error (exit 2) before any start. */
export interface ServerSettings {
  host: string;
  port: number;
  stateDir: string;
  authorizedKeysFile: string;
  passwordFile?: string;
  home?: string;
  sftpRoot?: string;
  shell?: string;
  envAllow?: string[];
  allow: NetworkList | undefined;
  /** --ciphers: the exact list offered; unset, the server's default (server-options.ts). */
  ciphers?: string[];
  maxAuthTries: number;
  loginGraceMs: number;
  idleTimeoutMs: number;
  keepaliveIntervalMs: number;
  maxStartups: number;
  perSourceMaxStartups: number;
  penaltyBudget: number;
  penaltyMs: number;
  json: boolean;
  trace: boolean;
}

export async function runServer(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({ args: argv, options: SERVER_FLAGS });
  if (values.help) {
    process.stdout.write(`${SERVER_HELP}\n`);
    return 0;
  }
  const seconds = (name: string, v: string | undefined, dflt: number) =>
    v === undefined ? dflt : parseInteger(name, v, { min: 0, max: 86_400 }) * 1000;
  const count = (name: string, v: string | undefined, dflt: number, max: number) =>
    parseInteger(name, v ?? String(dflt), { min: 1, max });
  // Paths typed by the user are resolved where they ran the command (INIT_CWD under pnpm).
  const typed = (v: string | undefined) => (v === undefined ? undefined : userPath(v));
  const listen = parseEndpoint(values.listen ?? `${DEFAULT_SERVER_HOST}:${DEFAULT_SERVER_PORT}`, {
    defaultHost: DEFAULT_SERVER_HOST,
    defaultPort: DEFAULT_SERVER_PORT,
  });
  const allowed = values.allow ?? [];
  const allow =
    allowed.length === 0 ? undefined : (await import('./source-policy.ts')).parseAllow(allowed);
  const settings: ServerSettings = {
    host: listen.host,
    port: values.port === undefined ? listen.port : parsePort(values.port),
    stateDir:
      typed(values.state) ??
      join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'netlab-ssh-shell'),
    authorizedKeysFile:
      typed(values['authorized-keys']) ?? join(homedir(), '.ssh', 'authorized_keys'),
    allow,
    maxAuthTries: count('--max-auth-tries', values['max-auth-tries'], DEFAULTS.maxAuthTries, 100),
    loginGraceMs: seconds('--login-grace', values['login-grace'], DEFAULTS.loginGraceMs),
    idleTimeoutMs: seconds('--idle-timeout', values['idle-timeout'], DEFAULTS.idleTimeoutMs),
    keepaliveIntervalMs: seconds('--keepalive', values.keepalive, DEFAULTS.keepaliveIntervalMs),
    maxStartups: count(
      '--max-startups',
      values['max-startups'],
      STARTUP_DEFAULTS.maxStartups,
      100_000,
    ),
    perSourceMaxStartups: count(
      '--per-source-max-startups',
      values['per-source-max-startups'],
      STARTUP_DEFAULTS.perSourceMaxStartups,
      100_000,
    ),
    penaltyBudget: count(
      '--penalty-budget',
      values['penalty-budget'],
      PENALTY_DEFAULTS.budget,
      1_000_000,
    ),
    penaltyMs: seconds('--penalty-time', values['penalty-time'], PENALTY_DEFAULTS.penaltyMs),
    json: values.json === true,
    trace: values.trace === true,
  };
  const passwordFile = typed(values['password-file']);
  if (passwordFile) settings.passwordFile = passwordFile;
  const home = typed(values.home);
  if (home) settings.home = home;
  const sftpRoot = typed(values['sftp-root']);
  if (sftpRoot) settings.sftpRoot = sftpRoot;
  // A shell given as a bare name is looked up on PATH by spawn; with a slash it is a path.
  if (values.shell)
    settings.shell = values.shell.includes('/') ? userPath(values.shell) : values.shell;
  if (values.ciphers !== undefined) {
    settings.ciphers = values.ciphers.split(',').filter(Boolean);
    if (settings.ciphers.length === 0) throw new UsageError('--ciphers: expected a list of names');
  }
  if (values['accept-env']) settings.envAllow = values['accept-env'].split(',').filter(Boolean);
  // ssh2, node-pty and the host key's crypto load only now that the flags are known good.
  return (await import('./cli-server-run.ts')).serve(settings);
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
  const { hashPassword } = await import('./passwords.ts');
  process.stdout.write(`${await hashPassword(positionals[0]!, password)}\n`);
  return 0;
}
