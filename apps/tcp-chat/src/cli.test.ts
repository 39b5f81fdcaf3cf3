/** The real command line as a child process: help, usage errors, script mode, SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@netlab/peers';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from './client.ts';
import { until } from './test-helpers.ts';
import { devCertificate } from './tls-dev.ts';

const T = { timeout: 60_000 };
const appDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

function cli(...args: string[]): ChildProcess & { out: string; err: string } {
  return spawnCli(['--import', 'tsx', 'src/main.ts', ...args]);
}

function spawnCli(
  args: string[],
  { command = process.execPath, env = {} }: { command?: string; env?: NodeJS.ProcessEnv } = {},
): ChildProcess & { out: string; err: string } {
  const child = spawn(command, args, {
    cwd: appDir,
    env: { ...process.env, NO_COLOR: '1', ...env },
  }) as ChildProcess & { out: string; err: string };
  child.out = '';
  child.err = '';
  child.stdout!.on('data', (d) => (child.out += d));
  child.stderr!.on('data', (d) => (child.err += d));
  children.push(child);
  return child;
}

/** Waits for 'close', not 'exit': only then has all of the child's output been read. */
async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode === null || child.stdout!.readable) await once(child, 'close');
  return child.exitCode;
}

async function startServer(...args: string[]) {
  const server = cli('server', '--port', '0', '--stats-interval', '0', ...args);
  await until(() => /listening on /.test(server.out), 'the server to listen');
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(server.out)![1]);
  return { server, port };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('tcp-chat CLI', () => {
  it('prints help with an example, and exits 2 on a bad flag', T, async () => {
    const help = cli('server', '--help');
    expect(await exitCode(help)).toBe(0);
    expect(help.out).toContain('example:');
    const bad = cli('client', '--frobnicate');
    expect(await exitCode(bad)).toBe(2);
    expect(bad.err).toMatch(/^tcp-chat: /);
  });

  it('exits 2 with ERR_USAGE naming a bad --allow, --deny or --ipv6-prefix', T, async () => {
    const help = cli('server', '--help');
    expect(await exitCode(help)).toBe(0);
    expect(help.out).toMatch(/example:[\s\S]*--allow \S+ .*--deny /);
    for (const [flag, value] of [
      ['--deny', '10.0.0.0/33'],
      ['--allow', 'nonsense'],
      ['--allow', '2001:db8::/129'],
      ['--ipv6-prefix', '40'],
    ] as const) {
      const bad = cli('server', '--port', '0', flag, value);
      expect(await exitCode(bad)).toBe(2);
      expect(bad.err).toContain(`ERR_USAGE ${flag} '${value}'`);
    }
  });

  it(
    'refuses a bad --redis URL (exit 2) and an unreachable Redis (exit 1, one line)',
    T,
    async () => {
      const bad = cli('server', '--port', '0', '--redis', 'http://127.0.0.1:6379');
      expect(await exitCode(bad)).toBe(2);
      expect(bad.err).toMatch(/^tcp-chat: .*redis:/m);
      const port = await freePort(); // nothing listens there
      const down = cli('server', '--port', '0', '--redis', `redis://127.0.0.1:${port}`);
      expect(await exitCode(down)).toBe(1);
      expect(down.err.trim()).toMatch(
        /^tcp-chat: ERR_BUS_DOWN cannot reach redis at 127\.0\.0\.1:\d+/,
      );
      expect(down.err.trim().split('\n')).toHaveLength(1);
    },
  );

  it('runs a script from stdin and prints JSON events', T, async () => {
    const { server, port } = await startServer();
    const client = cli('client', `127.0.0.1:${port}`, '--nick', 'bot', '--json');
    client.stdin!.end('/join lobby\nhello from a pipe\n/who\n');
    expect(await exitCode(client)).toBe(0);
    const events = client.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(['welcome', 'joined', 'message', 'who']);
    expect(events[2]).toMatchObject({
      room: '#lobby',
      seq: 1,
      from: 'bot',
      text: 'hello from a pipe',
    });
    server.kill('SIGTERM');
    expect(await exitCode(server)).toBe(0);
  });

  it(
    'starts a script in #lobby when its first line is text, and says so in --help',
    T,
    async () => {
      const help = cli('client', '--help');
      expect(await exitCode(help)).toBe(0);
      expect(help.out).toContain('#lobby');
      const { server, port } = await startServer();
      const bot = cli('client', `127.0.0.1:${port}`, '--nick', 'bot', '--json');
      bot.stdin!.end('hello before any join\n');
      expect(await exitCode(bot)).toBe(0);
      const events = bot.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(events.map((e) => e.event)).toEqual(['welcome', 'joined', 'message']);
      expect(events[2]).toMatchObject({ room: '#lobby', text: 'hello before any join' });
      const elsewhere = cli(
        'client',
        `127.0.0.1:${port}`,
        '--nick',
        'cy',
        '--room',
        'rust',
        '--json',
      );
      elsewhere.stdin!.end('hi\n');
      expect(await exitCode(elsewhere)).toBe(0);
      expect(elsewhere.out).toContain('"room":"#rust"');
      server.kill('SIGTERM');
      expect(await exitCode(server)).toBe(0);
    },
  );

  it('joins #lobby at once in a terminal (a real pty, through script(1))', T, async () => {
    const { server, port } = await startServer();
    const watcher = await connect({ port, nick: 'watcher', reconnect: false });
    await watcher.join('#lobby');
    const lines: string[] = [];
    watcher.on('message', (m) => lines.push(`${m.room} ${m.from}: ${m.text}`));
    const ann = spawnCli(
      ['-qec', `node --import tsx src/main.ts client 127.0.0.1:${port} --nick ann`, '/dev/null'],
      { command: 'script' },
    );
    await until(() => /#lobby> /.test(ann.out), 'the #lobby prompt');
    ann.stdin!.write('typed first\r');
    await until(() => lines.length > 0, 'the line in #lobby');
    expect(lines).toEqual(['#lobby ann: typed first']);
    ann.stdin!.write('/quit\r');
    expect(await exitCode(ann)).toBe(0);
    watcher.destroy();
    server.kill('SIGTERM');
    expect(await exitCode(server)).toBe(0);
  });

  it('says ERR_ADDRESS_IN_USE with a hint at --port when the port is taken', T, async () => {
    const { server, port } = await startServer();
    const second = cli('server', '--port', String(port), '--stats-interval', '0');
    expect(await exitCode(second)).toBe(1);
    expect(second.err.trim()).toMatch(/^tcp-chat: ERR_ADDRESS_IN_USE .*\(.*--port\)$/);
    server.kill('SIGTERM');
    expect(await exitCode(server)).toBe(0);
  });

  it('gives a refused connection a hint at starting a server, in --json too', T, async () => {
    const port = await freePort(); // nothing listens there
    const client = cli('client', `127.0.0.1:${port}`, '--nick', 'ann', '--json');
    client.stdin!.end('');
    expect(await exitCode(client)).toBe(1);
    const { error } = JSON.parse(client.err.trim());
    expect(error.code).toBe('ERR_CONNECT');
    expect(error.hint).toContain('start a server');
  });

  it('prints a --json client error as JSON: ERR_TLS_REQUIRED from a TLS server', T, async () => {
    const state = await mkdtemp(join(tmpdir(), 'tcp-chat-cli-'));
    try {
      const dev = await devCertificate(state);
      const { server, port } = await startServer(
        '--tls-cert',
        dev.certPath,
        '--tls-key',
        join(state, 'key.pem'),
      );
      const plain = cli('client', `127.0.0.1:${port}`, '--nick', 'ann', '--json');
      plain.stdin!.end('');
      expect(await exitCode(plain)).toBe(1);
      const { error } = JSON.parse(plain.err.trim());
      expect(error.code).toBe('ERR_TLS_REQUIRED');
      // The next step travels in its own field, not inside the message.
      expect(error.hint).toContain('--tls');
      expect(error.message).not.toContain('--tls');
      server.kill('SIGTERM');
      expect(await exitCode(server)).toBe(0);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });

  it(
    'resolves typed paths from where the user ran the command, and shows them in full',
    T,
    async () => {
      const userDir = await mkdtemp(join(tmpdir(), 'tcp-chat-user-'));
      try {
        const env = { INIT_CWD: userDir };
        const server = spawnCli(
          [
            '--import',
            'tsx',
            'src/main.ts',
            'server',
            '--port',
            '0',
            '--tls-cert',
            'c.pem',
            '--tls-key',
            'k.pem',
          ],
          { env },
        );
        expect(await exitCode(server)).toBe(1);
        expect(server.err).toMatch(/^tcp-chat: ERR_FILE_NOT_FOUND /);
        expect(server.err).toContain(join(userDir, 'c.pem'));
        const client = spawnCli(
          ['--import', 'tsx', 'src/main.ts', 'client', '--ca', 'ca.pem', '--nick', 'x'],
          { env },
        );
        expect(await exitCode(client)).toBe(1);
        expect(client.err).toContain(join(userDir, 'ca.pem'));
      } finally {
        await rm(userDir, { recursive: true, force: true });
      }
    },
  );

  it('shuts down gracefully on SIGTERM: bye to every client, exit 0', T, async () => {
    const { server, port } = await startServer();
    const ann = await connect({ port, nick: 'ann', reconnect: false });
    const bob = await connect({ port, nick: 'bob', reconnect: false });
    await ann.join('#a');
    const byes: string[] = [];
    const errors: string[] = [];
    for (const c of [ann, bob]) {
      c.on('bye', (b) => byes.push(b.code));
      c.on('server-error', (e) => errors.push(e.code));
    }
    const closed = Promise.all([once(ann, 'close'), once(bob, 'close')]);
    server.kill('SIGTERM');
    expect(await exitCode(server)).toBe(0);
    await closed;
    expect(byes).toEqual(['ERR_SERVER_SHUTDOWN', 'ERR_SERVER_SHUTDOWN']);
    expect(errors).toEqual([]); // a shutdown is a bye, not an error
    expect(server.out).toContain('SIGTERM: saying bye to 2 client(s)');
    expect(server.out).toContain('stopped');
  });
});
