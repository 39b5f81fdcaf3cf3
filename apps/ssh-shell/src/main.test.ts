/** The CLI as a user runs it: help, usage errors, exit codes, many hosts, --json, ssh-agent, --trace. */

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { spawn as spawnPty } from '@lydell/node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureOpenSsh,
  makeUserKey,
  type OurServer,
  opensshOptions,
  run,
  startOurServer,
  tempDir,
  waitUntil,
} from '../test/fixtures.ts';

const TSX = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
const MAIN = join(import.meta.dirname, 'main.ts');
const me = userInfo().username;
const dir = tempDir('cli');
let server: OurServer;
let key: { path: string; publicLine: string };
const knownHosts = join(dir.path, 'known_hosts');
// HOME points at an empty folder so no personal ~/.ssh key or agent leaks into the tests.
const env = { ...process.env, HOME: dir.path, NO_COLOR: '1', SSH_AUTH_SOCK: '' };
const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
  run('env', [
    ...Object.entries({ ...env, ...extraEnv }).map(([k, v]) => `${k}=${v}`),
    TSX,
    MAIN,
    ...args,
  ]);
const target = () => `127.0.0.1:${server.port}`;
const common = () => ['-i', key.path, '--known-hosts', knownHosts];

beforeAll(async () => {
  await ensureOpenSsh();
  key = makeUserKey(dir.path, 'id_cli');
  server = await startOurServer(dir.path, [key.publicLine]);
  writeFileSync(knownHosts, `${server.knownHostsLine}\n`);
}, 300_000);
afterAll(async () => {
  await server?.stop();
  dir.remove();
});

describe('ssh-shell CLI', { timeout: 90_000 }, () => {
  it('prints help with an example (exit 0) and refuses bad usage (exit 2)', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Example:/);
    expect(await cli(['frobnicate'])).toMatchObject({ code: 2 });
    const bad = await cli(['exec', '--no-such-flag', 'x', 'true']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('answers --help after the -- that pnpm forwards (pnpm ssh -- --help)', async () => {
    const top = await cli(['--', '--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Example:/);
    const serverHelp = await cli(['server', '--', '--help']);
    expect(serverHelp.code).toBe(0);
    expect(serverHelp.stdout).toMatch(/Usage: ssh-shell server/);
  });

  it('exits with the remote status and keeps stdout and stderr apart', async () => {
    const r = await cli(['exec', ...common(), target(), 'echo out; echo err >&2; exit 5']);
    expect(r).toEqual({ code: 5, stdout: 'out\n', stderr: 'err\n' });
  });

  it('refuses an unknown host with one coded line, then accepts it with --accept-new', async () => {
    const fresh = join(dir.path, 'fresh_known_hosts');
    const refused = await cli(['exec', '-i', key.path, '--known-hosts', fresh, target(), 'true']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ssh-shell: ERR_HOST_KEY_UNKNOWN .*SHA256:/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    const accepted = await cli([
      'exec',
      '-i',
      key.path,
      '--known-hosts',
      fresh,
      '--accept-new',
      target(),
      'echo ok',
    ]);
    expect(accepted).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(readFileSync(fresh, 'utf8')).toContain(server.knownHostsLine.split(' ')[2]);
  });

  it('runs on many hosts with prefixes and a summary, and --json results', async () => {
    const hosts = `${target()},${me}@${target()},127.0.0.1:1`;
    const r = await cli([
      'exec',
      ...common(),
      '-H',
      hosts,
      '--concurrency',
      '2',
      'echo hi; exit 2',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${target()} | hi`);
    expect(r.stdout).toMatch(/HOST\s+EXIT\s+TIME/);
    expect(r.stdout).toMatch(/127\.0\.0\.1:1\s+ERR_CONNECT/);
    const hostsFile = join(dir.path, 'hosts');
    writeFileSync(hostsFile, `# web\n${target()}\n`);
    const j = await cli([
      'exec',
      ...common(),
      '--hosts-file',
      hostsFile,
      '--json',
      'echo a; echo b >&2',
    ]);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject([
      { host: target(), exitCode: 0, stdout: ['a'], stderr: ['b'] },
    ]);
  });

  it('puts and gets files with --json results', async () => {
    const local = join(dir.path, 'up.txt');
    writeFileSync(local, 'payload\n'.repeat(1000));
    const up = await cli(['put', ...common(), '--json', target(), local, '/copied.txt']);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ bytes: 8000, to: '/copied.txt' });
    const down = await cli([
      'get',
      ...common(),
      '--json',
      target(),
      '/copied.txt',
      join(dir.path, 'down.txt'),
    ]);
    expect(down.code).toBe(0);
    expect(readFileSync(join(dir.path, 'down.txt'), 'utf8')).toBe('payload\n'.repeat(1000));
  });

  it('authenticates through ssh-agent and traces the exchange', async () => {
    const sock = join(dir.path, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      expect(
        await waitUntil(() => {
          try {
            readFileSync(sock);
          } catch (e) {
            return (e as NodeJS.ErrnoException).code !== 'ENOENT';
          }
          return true;
        }),
      ).toBe(true);
      expect((await run('env', [`SSH_AUTH_SOCK=${sock}`, 'ssh-add', key.path])).code).toBe(0);
      const r = await cli(
        ['exec', '--known-hosts', knownHosts, '--trace', target(), 'echo via-agent'],
        { SSH_AUTH_SOCK: sock },
      );
      expect(r).toMatchObject({ code: 0, stdout: 'via-agent\n' });
      expect(r.stderr).toMatch(/trace: auth: trying agent/);
      expect(r.stderr).toMatch(/trace: Handshake: KEX algorithm: /);
      expect(r.stderr).toMatch(
        /trace: Outbound: Sending CHANNEL_REQUEST \(r:\d+, exec: echo via-agent\)/,
      );
    } finally {
      agent.kill();
    }
  });

  it('says ERR_NO_IDENTITY when there is nothing to authenticate with', async () => {
    const r = await cli(['exec', '--known-hosts', knownHosts, target(), 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ssh-shell: ERR_NO_IDENTITY /);
  });

  it('runs the server: prints its fingerprint, serves OpenSSH with --shell and --home, logs, stops on SIGTERM', async () => {
    const state = join(dir.path, 'cli-state');
    const server = spawn(
      TSX,
      [
        MAIN,
        'server',
        '--listen',
        '127.0.0.1:0',
        '--state',
        state,
        '--authorized-keys',
        join(dir.path, 'authorized_keys'),
        '--home',
        dir.path,
        '--shell',
        '/bin/sh',
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    server.stdout!.on('data', (d) => (out += d));
    try {
      expect(await waitUntil(() => /known_hosts line: /.test(out), 30_000)).toBe(true);
      expect(out).toMatch(/new host key in .*: ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}\n/);
      expect(out).toContain('1 authorized key(s)');
      const port = /listening on 127\.0\.0\.1:(\d+)/.exec(out)![1]!;
      const line = /known_hosts line: (.+)\n/.exec(out)![1]!;
      const kh = join(dir.path, 'cli_known_hosts');
      writeFileSync(kh, `${line}\n`);
      const r = await run('ssh', [
        ...opensshOptions(kh, key.path),
        '-p',
        port,
        `${me}@127.0.0.1`,
        'echo served by $SHELL in $HOME; pwd',
      ]);
      expect(r).toMatchObject({
        code: 0,
        stdout: `served by /bin/sh in ${dir.path}\n${dir.path}\n`,
      });
      expect(
        await waitUntil(
          () =>
            out.includes(`session ${me}@127.0.0.1:`) &&
            out.includes('exec "echo served by $SHELL in $HOME; pwd" exit=0'),
        ),
      ).toBe(true);
    } finally {
      const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('shell: raw terminal, SIGWINCH becomes window-change, the exit code comes back', async () => {
    const term = spawnPty(TSX, [MAIN, 'shell', ...common(), target()], {
      name: 'xterm',
      cols: 80,
      rows: 24,
      env: { ...env, TERM: 'xterm' } as Record<string, string>,
    });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
    const seen = (text: string) => waitUntil(() => screen.includes(text), 30_000);
    term.write('stty size; echo "mark-$((6*7))"\r');
    expect(await seen('mark-42')).toBe(true);
    expect(screen).toContain('24 80');
    term.resize(100, 40); // our process gets SIGWINCH and sends window-change
    await new Promise((r) => setTimeout(r, 500));
    term.write('stty size; echo "mark-$((6*8))"\r');
    expect(await seen('mark-48')).toBe(true);
    expect(screen).toContain('40 100');
    term.write('exit 6\r');
    expect(await exited).toBe(6);
  });
});
