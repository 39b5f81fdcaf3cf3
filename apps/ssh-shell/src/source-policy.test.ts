/** --allow: sources outside the networks are closed at accept before any SSH byte; real sockets from 127.0.0.1 and 127.0.0.2. */
import { once } from 'node:events';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../test/fixtures.ts';
import { loadOrCreateHostKey } from './keys.ts';
import type { LogEntry } from './protocol.ts';
import { createServer } from './server.ts';
import { parseAllow } from './source-policy.ts';

const dir = tempDir('allow');
let hostKey: string;
const started: { close(): Promise<void> }[] = [];

beforeAll(() => {
  hostKey = loadOrCreateHostKey(join(dir.path, 'state')).privateKey;
});
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
  dir.remove();
});

/** Our server on `host`, admitting only `allow`; its log lines collected. */
async function serve(host: string, allow: string[]) {
  const logs: LogEntry[] = [];
  const server = createServer({
    hostKey,
    authorizedKeysFile: join(dir.path, 'none'),
    home: dir.path,
    allow: parseAllow(allow),
    onLog: (e) => logs.push(e),
  });
  started.push(server);
  const { port } = await server.listen(0, host);
  return { port, logs };
}

/** Connect from `localAddress`; every byte the server sent before it closed (or 1 s of it). */
async function firstBytes(host: string, port: number, localAddress: string): Promise<string> {
  const socket = net.connect({ host, port, localAddress });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => {
    chunks.push(c);
    // The version line is enough: the server spoke SSH to this source.
    if (Buffer.concat(chunks).includes('\r\n')) socket.destroy();
  });
  socket.on('error', () => {}); // a reset is one way of being closed
  const timer = setTimeout(() => socket.destroy(), 5_000);
  await once(socket, 'close');
  clearTimeout(timer);
  return Buffer.concat(chunks).toString('latin1');
}

describe('--allow', { timeout: 60_000 }, () => {
  it('admits 127.0.0.1/32 and closes 127.0.0.2 at accept, before any SSH byte', async () => {
    const { port, logs } = await serve('127.0.0.1', ['127.0.0.1/32']);
    expect(await firstBytes('127.0.0.1', port, '127.0.0.1')).toMatch(/^SSH-2\.0-netlab-ssh-shell/);
    expect(await firstBytes('127.0.0.1', port, '127.0.0.2')).toBe('');
    const refused = logs.filter((e) => e.event === 'refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.from).toMatch(/^127\.0\.0\.2:/);
    // A refused source never became an SSH connection.
    expect(logs.some((e) => e.event === 'connect' && e.from?.startsWith('127.0.0.2'))).toBe(false);
  });

  it('counts every refusal but logs only the 1st and every 100th', async () => {
    const { port, logs } = await serve('127.0.0.1', ['127.0.0.1']);
    for (let round = 0; round < 15; round++) {
      const ten = Array.from({ length: 10 }, () => firstBytes('127.0.0.1', port, '127.0.0.2'));
      expect(await Promise.all(ten)).toEqual(Array(10).fill(''));
    }
    const refused = logs.filter((e) => e.event === 'refused').map((e) => e.detail);
    expect(refused).toEqual([
      'source not in --allow (1 connection(s) refused)',
      'source not in --allow (100 connection(s) refused)',
    ]);
  });

  it('matches IPv6 sources against IPv6 rules', async () => {
    const ok = await serve('::1', ['::1']);
    expect(await firstBytes('::1', ok.port, '::1')).toMatch(/^SSH-2\.0-/);
    const other = await serve('::1', ['2001:db8::/32', '127.0.0.0/8']);
    expect(await firstBytes('::1', other.port, '::1')).toBe('');
  });

  it('matches IPv4-mapped sources (an IPv6 listener) against IPv4 rules', async () => {
    // An IPv6 socket bound to ::ffff:127.0.0.1 sees IPv4 peers as ::ffff:127.0.0.x.
    const { port } = await serve('::ffff:127.0.0.1', ['127.0.0.1/32']);
    expect(await firstBytes('127.0.0.1', port, '127.0.0.1')).toMatch(/^SSH-2\.0-/);
    expect(await firstBytes('127.0.0.1', port, '127.0.0.2')).toBe('');
  });

  it('matches IPv4 sources against a rule written in the ::ffff: form', async () => {
    // One host, two spellings: ::ffff:127.0.0.0/126 is 127.0.0.0 to .3 to an IPv4 listener too.
    const { port } = await serve('127.0.0.1', ['::ffff:127.0.0.0/126']);
    expect(await firstBytes('127.0.0.1', port, '127.0.0.1')).toMatch(/^SSH-2\.0-/);
    expect(await firstBytes('127.0.0.1', port, '127.0.0.5')).toBe('');
  });

  it('admits every source with an empty list, as with no --allow', async () => {
    const { port } = await serve('127.0.0.1', []);
    expect(await firstBytes('127.0.0.1', port, '127.0.0.2')).toMatch(/^SSH-2\.0-/);
  });
});

describe('--allow on the command line', { timeout: 60_000 }, () => {
  const TSX = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
  const MAIN = join(import.meta.dirname, 'main.ts');
  const server = (args: string[]) =>
    run(TSX, [
      MAIN,
      'server',
      '--json',
      '--state',
      join(dir.path, 'state'),
      '--port',
      '0',
      ...args,
    ]);

  it('refuses a bad value with exit 2, ERR_USAGE, naming it', async () => {
    for (const bad of ['10.0.0.1/8', 'not-a-network', '::1/129']) {
      const r = await server(['--allow', '127.0.0.1', '--allow', bad]);
      expect(r.code).toBe(2);
      const { error } = JSON.parse(r.stderr.trim()) as { error: { code: string; message: string } };
      expect(error.code).toBe('ERR_USAGE');
      expect(error.message).toContain(bad);
    }
  });

  it('--help shows it with an example', async () => {
    const r = await run(TSX, [MAIN, 'server', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--allow CIDR/);
    expect(r.stdout).toMatch(/server .*--allow \S+/);
  });
});
