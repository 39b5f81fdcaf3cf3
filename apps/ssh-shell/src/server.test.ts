/** Our server against OpenSSH's own `ssh` and `sftp` clients: exec, PTY, SFTP, refusals, no orphans. */

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { spawn as spawnPty } from '@lydell/node-pty';
import { isRunning } from '@netlab/peers';
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

const me = userInfo().username;
const dir = tempDir('server');
let server: OurServer;
let user: { path: string; publicLine: string };
let ssh: (extra: string[], remote: string[], input?: string) => ReturnType<typeof run>;
const knownHosts = join(dir.path, 'known_hosts');

beforeAll(async () => {
  await ensureOpenSsh();
  user = makeUserKey(dir.path, 'id_user');
  server = await startOurServer(dir.path, [user.publicLine]);
  writeFileSync(knownHosts, `${server.knownHostsLine}\n`);
  ssh = (extra, remote, input = '') => sshWith(knownHosts, user.path, extra, remote, input);
}, 300_000);
afterAll(async () => {
  await server?.stop();
  dir.remove();
});

/** OpenSSH `ssh` to our server as the current user, trusting `knownHostsFile`, offering `identity`. */
function sshWith(
  knownHostsFile: string,
  identity: string,
  extra: string[],
  remote: string[],
  input = '',
) {
  return run(
    'ssh',
    [
      ...opensshOptions(knownHostsFile, identity),
      '-p',
      String(server.port),
      ...extra,
      `${me}@127.0.0.1`,
      ...remote,
    ],
    input,
  );
}

describe('OpenSSH ssh against our server', { timeout: 60_000 }, () => {
  it('runs a command with separate stdout and stderr and its exit status', async () => {
    const r = await ssh([], ['echo out; echo err >&2; exit 3']);
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    const log = await server.waitForLog((e) => e.command === 'echo out; echo err >&2; exit 3');
    expect(log).toMatchObject({ event: 'session', kind: 'exec', user: me, exitCode: 3 });
  });

  it('passes stdin through and reports a death by signal (ssh exits 255)', async () => {
    expect((await ssh([], ['tr a-z A-Z'], 'hello\n')).stdout).toBe('HELLO\n');
    const r = await ssh([], ['kill -TERM $$']);
    expect(r.code).toBe(255);
    await server.waitForLog((e) => e.command === 'kill -TERM $$' && e.signal === 'TERM');
  });

  it('delivers interleaved stdout and stderr byte for byte to a reader that stalls', async () => {
    const [out, err] = [join(dir.path, 'out.bin'), join(dir.path, 'err.bin')];
    // Six rounds of 1 MB to stdout, then 300 KB to stderr; the files keep what was sent.
    const round = (file: string, n: number, fd: number) =>
      `head -c ${n} /dev/urandom > ${file}.part; cat ${file}.part >> ${file}; cat ${file}.part >&${fd}`;
    const child = spawn('ssh', [
      ...opensshOptions(knownHosts, user.path),
      '-p',
      String(server.port),
      `${me}@127.0.0.1`,
      `: > ${out}; : > ${err}; for i in 1 2 3 4 5 6; do ${round(out, 1e6, 1)}; ${round(err, 3e5, 2)}; done`,
    ]);
    // Not reading for a while fills ssh's pipes, then the 2 MB channel window shared by both
    // streams: writes on each side stall and resume (see src/channel-output.ts).
    child.stdout.pause();
    child.stderr.pause();
    await new Promise((r) => setTimeout(r, 1500));
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.stdout.resume(); // after an explicit pause(), a 'data' listener alone does not
    child.stderr.resume();
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(Buffer.concat(stdout).equals(readFileSync(out))).toBe(true);
    expect(Buffer.concat(stderr).equals(readFileSync(err))).toBe(true);
  });

  it('accepts allow-listed env requests only', async () => {
    const r = await run('env', [
      'LANG=C.UTF-8',
      'SECRET_X=1',
      'ssh',
      ...opensshOptions(knownHosts, user.path),
      '-o',
      'SendEnv=LANG SECRET_X',
      '-p',
      String(server.port),
      `${me}@127.0.0.1`,
      'printenv LANG SECRET_X; echo done',
    ]);
    expect(r.stdout).toBe('C.UTF-8\ndone\n');
  });

  it('gives -tt a PTY with the terminal type', async () => {
    const r = await run('env', [
      'TERM=vt220',
      'ssh',
      ...opensshOptions(knownHosts, user.path),
      '-tt',
      '-p',
      String(server.port),
      `${me}@127.0.0.1`,
      'tty; echo $TERM; exit 5',
    ]);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/^\/dev\/pts\/\d+\r\nvt220\r\n/);
  });

  it('runs an interactive shell in a real terminal, follows resizes, returns the exit code', async () => {
    const term = spawnPty(
      'ssh',
      [
        ...opensshOptions(knownHosts, user.path),
        '-tt',
        '-p',
        String(server.port),
        `${me}@127.0.0.1`,
      ],
      {
        name: 'xterm',
        cols: 80,
        rows: 24,
        env: { ...process.env, PS1: '$ ' } as Record<string, string>,
      },
    );
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
    const seen = (text: string) => waitUntil(() => screen.includes(text), 15_000);
    term.write('stty size; echo "mark-$((6*7))"\r');
    expect(await seen('mark-42')).toBe(true);
    expect(screen).toContain('24 80');
    term.resize(100, 40);
    await new Promise((r) => setTimeout(r, 300)); // ssh sends window-change on SIGWINCH
    term.write('stty size; echo "mark-$((6*8))"\r');
    expect(await seen('mark-48')).toBe(true);
    expect(screen).toContain('40 100');
    term.write('exit 7\r');
    expect(await exited).toBe(7);
  });

  it('serves sftp put and get inside the SFTP root', async () => {
    // OpenSSH's sftp in batch mode, commands from stdin.
    const sftp = (batch: string) =>
      run(
        'sftp',
        [
          '-b',
          '-',
          ...opensshOptions(knownHosts, user.path),
          '-P',
          String(server.port),
          `${me}@127.0.0.1`,
        ],
        batch,
      );
    const local = join(dir.path, 'local.bin');
    const data = Buffer.alloc(300_000, 'abcdefghij');
    writeFileSync(local, data);
    const batch = `put ${local} /uploaded.bin\nget /uploaded.bin ${join(dir.path, 'back.bin')}\nls -l /\n`;
    const r = await sftp(batch);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir.path, 'uploaded.bin')).equals(data)).toBe(true);
    expect(readFileSync(join(dir.path, 'back.bin')).equals(data)).toBe(true);
    expect(r.stdout).toMatch(/uploaded\.bin/);
    // A listing longer than one READDIR batch (100 entries) comes back whole.
    mkdirSync(join(dir.path, 'many'));
    for (let i = 0; i < 250; i++) writeFileSync(join(dir.path, 'many', `f${i}.txt`), '');
    const ls = await sftp('ls -1 /many\n');
    expect(
      ls.stdout.split('\n').filter((l) => /^\/?(many\/)?f\d+\.txt$/.test(l.trim())),
    ).toHaveLength(250);
    const outside = await sftp(`get /../../../../etc/hostname ${join(dir.path, 'h')}\n`);
    expect(outside.code).not.toBe(0); // /etc/hostname is not under the root
  });
});

describe('our server refuses', { timeout: 60_000 }, () => {
  it('a key that is not in authorized_keys', async () => {
    const stranger = makeUserKey(dir.path, 'id_stranger');
    const r = await sshWith(knownHosts, stranger.path, [], ['true']);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it('password authentication when it is not enabled (not even offered)', async () => {
    const r = await sshWith(
      knownHosts,
      user.path,
      ['-o', 'PreferredAuthentications=password'],
      ['true'],
    );
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it('an unknown host (StrictHostKeyChecking=yes with an empty known_hosts)', async () => {
    const empty = join(dir.path, 'empty_known_hosts');
    writeFileSync(empty, '');
    const r = await sshWith(empty, user.path, [], ['true']);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Host key verification failed/);
  });

  it('a changed host key', async () => {
    const other = makeUserKey(dir.path, 'not_the_host_key');
    const wrong = join(dir.path, 'wrong_known_hosts');
    writeFileSync(wrong, `[127.0.0.1]:${server.port} ${other.publicLine}\n`);
    const r = await sshWith(wrong, user.path, [], ['true']);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });
});

describe('no orphans', { timeout: 60_000 }, () => {
  for (const mode of ['exec', 'pty'] as const) {
    it(`ends every process of a ${mode} session when the client vanishes`, async () => {
      const args = [
        ...opensshOptions(knownHosts, user.path),
        ...(mode === 'pty' ? ['-tt'] : []),
        '-p',
        String(server.port),
        `${me}@127.0.0.1`,
        'echo pids $$ $(sleep 300 >/dev/null 2>&1 & echo $!); sleep 300',
      ];
      const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      expect(await waitUntil(() => /pids \d+ \d+/.test(out), 15_000)).toBe(true);
      const pids = /pids (\d+) (\d+)/.exec(out)!.slice(1).map(Number);
      expect(pids.every(isRunning)).toBe(true);
      child.kill('SIGKILL'); // abrupt: no channel close, no disconnect message
      expect(await waitUntil(() => !pids.some(isRunning), 15_000)).toBe(true);
    });
  }
});
