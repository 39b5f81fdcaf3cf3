/** Client commands: exec (one host or many), shell, put, get. */
import { basename } from 'node:path';
import { createProgress, parseCommandLine, UsageError, userPath } from '@netlab/cli';
import { CLIENT_FLAGS, CLIENT_HELP, splitCommandLine } from './cli-help.ts';
import type { SshConnection } from './client.ts';
import { signalNumber } from './processes.ts';
import type { ExecResult } from './protocol.ts';

/** A shell's convention for a death by signal: 128 + its number. */
function exitStatus(r: ExecResult): number {
  return r.exitCode ?? (r.signal ? 128 + signalNumber(`SIG${r.signal}` as NodeJS.Signals) : 255);
}

export async function runClient(command: string, argv: string[]): Promise<number> {
  const split = splitCommandLine(argv);
  const parsed = parseCommandLine({
    args: split.options,
    options: CLIENT_FLAGS,
    allowPositionals: true,
  });
  const values = parsed.values;
  const positionals = [...parsed.positionals, ...split.rest];
  if (values.help) {
    process.stdout.write(`${CLIENT_HELP}\n`);
    return 0;
  }
  // ssh2 (in client.ts, and behind cli-common.ts's key loading) loads only past --help.
  if (command === 'exec' && (values.hosts || values['hosts-file'])) {
    const { execOnMany } = await import('./cli-many.ts');
    return execOnMany(values, positionals);
  }
  const [host, ...rest] = positionals;
  if (!host) throw new UsageError(`${command}: missing HOST (try --help)`);
  const checkArgs = (n: number, what: string) => {
    if (rest.length !== n) throw new UsageError(`${command}: expected ${what} (try --help)`);
  };
  if (command === 'exec' && rest.length === 0)
    throw new UsageError('exec: missing COMMAND (try --help)');
  if (command === 'shell') checkArgs(0, 'only HOST');
  if (command === 'put') checkArgs(2, 'HOST LOCAL REMOTE');
  if (command === 'get') checkArgs(2, 'HOST REMOTE LOCAL');
  const { connectionSettings, parseTarget } = await import('./cli-common.ts');
  const target = parseTarget(host, values);
  const settings = await connectionSettings(values);
  const { connect } = await import('./client.ts');
  const conn = await connect({
    ...settings,
    host: target.host,
    port: target.port,
    username: target.username,
  });
  try {
    if (command === 'exec')
      return await execOne(conn, rest.join(' '), {
        json: values.json === true,
        noStdin: values['no-stdin'] === true,
        pty: values.tty === true,
      });
    if (command === 'shell') return await shell(conn);
    // The local side of a transfer is a path the user typed: resolved where they ran pnpm.
    const [from, to] =
      command === 'put' ? [userPath(rest[0]!), rest[1]!] : [rest[0]!, userPath(rest[1]!)];
    return await transfer(conn, command as 'put' | 'get', from, to, values.json === true);
  } finally {
    await conn.end();
  }
}

async function execOne(
  conn: SshConnection,
  command: string,
  { json, noStdin, pty }: { json: boolean; noStdin: boolean; pty: boolean },
): Promise<number> {
  if (!json) {
    const stdin = process.stdin.isTTY || noStdin ? undefined : process.stdin;
    const r = await conn.exec(command, {
      stdout: process.stdout,
      stderr: process.stderr,
      pty,
      ...(stdin ? { stdin } : {}),
    });
    process.stdin.destroy();
    return exitStatus(r);
  }
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const { PassThrough } = await import('node:stream');
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  const r = await conn.exec(command, { stdout, stderr, pty });
  const result = {
    ...r,
    stdout: Buffer.concat(out).toString(),
    stderr: Buffer.concat(err).toString(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return exitStatus(r);
}

async function shell(conn: SshConnection): Promise<number> {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true); // keys go to the remote PTY as typed (^C included)
  const size = () => ({ cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
  let onWinch: (() => void) | undefined;
  try {
    const r = await conn.shell({
      stdin,
      stdout: process.stdout,
      term: process.env.TERM || 'xterm-256color',
      ...size(),
      ...(process.env.LANG ? { env: { LANG: process.env.LANG } } : {}),
      onResize: (resize) => {
        onWinch = () => resize(size().cols, size().rows);
        process.on('SIGWINCH', onWinch);
      },
    });
    return exitStatus(r);
  } finally {
    if (onWinch) process.off('SIGWINCH', onWinch);
    if (raw) stdin.setRawMode(false);
    stdin.destroy();
  }
}

async function transfer(
  conn: SshConnection,
  dir: 'put' | 'get',
  from: string,
  to: string,
  json: boolean,
) {
  const { get, put } = await import('./transfer.ts');
  const sftp = await conn.sftp();
  const progress = json
    ? undefined
    : createProgress({ label: `${dir} ${basename(from)}`, unit: 'bytes' });
  const started = performance.now();
  const onProgress = (done: number, total: number) => progress?.update(done, total);
  const bytes =
    dir === 'put'
      ? await put(sftp, from, to, { onProgress })
      : await get(sftp, from, to, { onProgress });
  progress?.done();
  const ms = performance.now() - started;
  if (json)
    process.stdout.write(`${JSON.stringify({ [dir]: from, to, bytes, ms: Math.round(ms) })}\n`);
  sftp.end();
  return 0;
}
