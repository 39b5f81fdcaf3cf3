/** Hostile input against the server as its own process: floods, silence, SFTP abuse; RSS stays bounded. */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { processUsage } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureOpenSsh,
  makeUserKey,
  opensshOptions,
  run,
  tempDir,
  waitUntil,
} from '../test/fixtures.ts';
import {
  opendirPacket,
  openPacket,
  type RawSftp,
  rawSftp,
  readdirPacket,
  readPacket,
  SFTP,
  statPacket,
} from '../test/raw-sftp.ts';
import { connect, type SshConnection } from './client.ts';
import { loadIdentities } from './identity.ts';
import type { LogEntry } from './protocol.ts';

const APP = join(import.meta.dirname, '..');
const me = userInfo().username;
const dir = tempDir('hostile');
const home = join(dir.path, 'home');
const knownHosts = join(dir.path, 'known_hosts');
const MiB = 1024 * 1024;
let child: ChildProcess;
let port = 0;
const logs: LogEntry[] = [];
let key: { path: string; publicLine: string };
let conn: SshConnection;

const rss = () => processUsage(child.pid!)?.rssBytes ?? 0;
/**
 * What one attack may add to the server's RSS, measured from just before it: what the server
 * lets the attacker make it hold (each test says which bound), plus SLACK for garbage: V8 frees
 * a Buffer's memory only when it collects the Buffer, and it forces a full collection for
 * Buffers only once their memory grew 64 MiB past the last one (kExternalAllocationSoftLimit
 * in v8-internal.h), so an attack that streams data may leave up to that much dead but not yet
 * freed (66 MiB seen on a loaded machine for the 32 MiB unsent case). Each attack has its own
 * baseline, so memory kept after an earlier one does not count twice.
 */
const SLACK = 64 * MiB;
const expectGrowthBelow = (before: number, held: number) =>
  expect(rss() - before, `RSS grew; the attack may hold ${held / MiB} MiB`).toBeLessThan(
    held + SLACK,
  );
const sawLog = (pred: (e: LogEntry) => boolean) => waitUntil(() => logs.some(pred), 15_000);
/** OpenSSH's ssh from another loopback source: the client that must carry on. */
const bystander = () =>
  run('ssh', [
    ...opensshOptions(knownHosts, key.path),
    '-b',
    '127.0.0.2',
    '-p',
    String(port),
    `${me}@127.0.0.1`,
    'echo still served',
  ]);

beforeAll(async () => {
  await ensureOpenSsh();
  mkdirSync(home);
  key = makeUserKey(dir.path, 'id_user');
  writeFileSync(join(dir.path, 'authorized_keys'), `${key.publicLine}\n`);
  writeFileSync(join(home, 'big.bin'), Buffer.alloc(4 * MiB, 7));
  execFileSync('mkfifo', [join(home, 'pipe')]);
  mkdirSync(join(home, 'many'));
  for (let i = 0; i < 300; i++) writeFileSync(join(home, 'many', `f${i}`), '');
  // No --listen: the default address must be loopback. Port 0: any free one.
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(APP, 'src', 'main.ts'),
      'server',
      '--json',
      '--port',
      '0',
      '--state',
      join(dir.path, 'state'),
      '--authorized-keys',
      join(dir.path, 'authorized_keys'),
      '--home',
      home,
      '--login-grace',
      '3',
      '--per-source-max-startups',
      '20',
    ],
    { cwd: APP, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let pending = '';
  child.stdout!.on('data', (d: Buffer) => {
    pending += d.toString();
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const e = JSON.parse(line) as LogEntry & { address?: string; publicKey?: string };
      logs.push(e);
      if (e.event === 'listen') {
        expect(e.address).toMatch(/^127\.0\.0\.1:\d+$/); // secure default: loopback only
        port = Number(e.address!.split(':')[1]);
        writeFileSync(knownHosts, `[127.0.0.1]:${port} ${e.publicKey}\n`);
      }
    }
  });
  expect(await waitUntil(() => port > 0, 60_000)).toBe(true);
  conn = await connect({
    host: '127.0.0.1',
    port,
    username: me,
    knownHostsFile: knownHosts,
    identities: loadIdentities([key.path]),
  });
}, 300_000);
afterAll(async () => {
  await conn?.end();
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const late = setTimeout(() => child.kill('SIGKILL'), 10_000); // a wedged server still goes
    await exited;
    clearTimeout(late);
  }
  dir.remove();
});

describe('secure defaults', { timeout: 60_000 }, () => {
  it('no password authentication unless asked; the client checks host keys', async () => {
    const r = await run('ssh', [
      ...opensshOptions(knownHosts, key.path),
      '-o',
      'PreferredAuthentications=password,keyboard-interactive',
      '-p',
      String(port),
      `${me}@127.0.0.1`,
      'true',
    ]);
    expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
    const empty = join(dir.path, 'empty_known_hosts');
    writeFileSync(empty, '');
    await expect(
      connect({
        host: '127.0.0.1',
        port,
        username: me,
        knownHostsFile: empty,
        identities: loadIdentities([key.path]),
      }),
    ).rejects.toMatchObject({ code: 'ERR_HOST_KEY_UNKNOWN' });
  });
});

describe('connections that never log in', { timeout: 60_000 }, () => {
  it('a silent connection is closed at the login grace time', async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('data', () => {});
    socket.on('error', () => {});
    await new Promise((r) => socket.once('close', r));
    expect(await sawLog((e) => /login grace time 3000 ms exceeded/.test(e.detail ?? ''))).toBe(
      true,
    );
  });

  it('a flood of unauthenticated connections is capped per source; others carry on', async () => {
    const rssBefore = rss();
    const sockets: net.Socket[] = [];
    let closedEarly = 0;
    for (let i = 0; i < 200; i++) {
      const s = net.connect(port, '127.0.0.1', () => s.write('SSH-2.0-flood\r\n'));
      s.on('error', () => {});
      s.on('data', () => {});
      s.on('close', () => closedEarly++);
      sockets.push(s);
    }
    expect(await waitUntil(() => closedEarly >= 180, 10_000)).toBe(true);
    expect(
      await sawLog((e) => e.event === 'refused' && /from 127\.0\.0\.1/.test(e.detail ?? '')),
    ).toBe(true);
    expect(await bystander()).toMatchObject({ code: 0, stdout: 'still served\n' });
    // Held: 20 admitted handshakes (--per-source-max-startups), a few KiB each.
    expectGrowthBelow(rssBefore, 0);
    // The admitted ones hold their source's startup slots until the server sees them close;
    // wait for that, or the next test's connection from 127.0.0.1 may still be refused.
    const gone = () => logs.filter((e) => e.event === 'disconnect').length;
    const before = gone();
    const open = sockets.filter((s) => !s.closed).length;
    for (const s of sockets) s.destroy();
    expect(await waitUntil(() => gone() >= before + open, 15_000)).toBe(true);
  });
});

describe('a client that grants window but never reads', { timeout: 60_000 }, () => {
  it('is cut off once 32 MiB wait unsent at the socket; RSS stays bounded', async () => {
    const rssBefore = rss();
    const c = await connect({
      host: '127.0.0.1',
      port,
      username: me,
      knownHostsFile: knownHosts,
      identities: loadIdentities([key.path]),
    });
    // The attacker, played with ssh2's insides: stop reading TCP, then grant ~4 GiB of window.
    const inside = c.client as unknown as {
      _sock: net.Socket;
      _protocol: { channelWindowAdjust(id: number, amount: number): void };
    };
    const closed = new Promise<void>((r) => c.client.once('close', () => r()));
    c.client.exec('cat /dev/zero', (err, stream) => {
      if (err) throw err;
      inside._sock.pause();
      const { id } = (stream as unknown as { outgoing: { id: number } }).outgoing;
      inside._protocol.channelWindowAdjust(id, 2 ** 32 - 1 - 2 * MiB);
    });
    expect(await sawLog((e) => /peer reads nothing: \d+ bytes unsent/.test(e.detail ?? ''))).toBe(
      true,
    );
    // Held: 32 MiB of ciphertext at the socket (MAX_UNSENT), 256 KiB in the channel's stream.
    expectGrowthBelow(rssBefore, 32 * MiB);
    inside._sock.destroy();
    await closed;
  });
});

describe('SFTP abuse', { timeout: 60_000 }, () => {
  let sftp: RawSftp;
  beforeAll(async () => {
    sftp = await rawSftp(conn.client);
  });

  it('a 200 KB path is BAD_MESSAGE, a 4000-byte deep path NO_SUCH_FILE', async () => {
    sftp.send(statPacket(1, `/${'x'.repeat(200_000)}`));
    expect(await sftp.next()).toMatchObject({ id: 1, type: SFTP.STATUS, code: 5 });
    sftp.send(statPacket(2, '/d'.repeat(2000)));
    expect(await sftp.next()).toMatchObject({ id: 2, type: SFTP.STATUS, code: 2 });
    sftp.send(statPacket(3, `${'/..'.repeat(1300)}/big.bin`)); // `..` stops at the root
    expect(await sftp.next()).toMatchObject({ id: 3, type: SFTP.ATTRS });
  });

  it('handles are capped at 256 (FAILURE), and a 10 MB READ gets at most 64 KiB', async () => {
    const rssBefore = rss();
    for (let i = 0; i < 300; i++) sftp.send(openPacket(100 + i, '/big.bin'));
    const replies = [];
    for (let i = 0; i < 300; i++) replies.push(await sftp.next());
    expect(replies.filter((r) => r?.type === SFTP.HANDLE)).toHaveLength(256);
    expect(replies.filter((r) => r?.type === SFTP.STATUS && r.code === 4)).toHaveLength(44);
    sftp.send(readPacket(1000, replies[0]!.handle!, 0, 10 * MiB));
    const data = await sftp.next();
    expect(data).toMatchObject({ id: 1000, type: SFTP.DATA });
    expect(data!.length).toBeLessThanOrEqual(64 * 1024);
    // Held: 256 file handles and one 64 KiB reply.
    expectGrowthBelow(rssBefore, 0);
  });

  it('replies come in the order of the requests (OpenSSH 9.2 scp relies on it)', async () => {
    const fresh = await rawSftp(conn.client); // the channel above holds all 256 handles
    fresh.send(openPacket(3000, '/big.bin'));
    const h = await fresh.next();
    // Backwards through the file, so a server working on them at once answers out of order.
    for (let i = 0; i < 64; i++)
      fresh.send(readPacket(3001 + i, h!.handle!, (63 - i) * 65536, 65536));
    const ids = [];
    for (let i = 0; i < 64; i++) ids.push((await fresh.next())?.id);
    expect(ids).toEqual(Array.from({ length: 64 }, (_, i) => 3001 + i));
    // A slow request (a READDIR that lstats 100 names) before a fast one (a STAT).
    const order = [];
    for (let round = 0; round < 10; round++) {
      fresh.send(opendirPacket(5000 + round, '/many'));
      const dirHandle = (await fresh.next())!.handle!;
      fresh.send(readdirPacket(4001 + 2 * round, dirHandle));
      fresh.send(statPacket(4002 + 2 * round, '/big.bin'));
      order.push((await fresh.next())?.id, (await fresh.next())?.id);
    }
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => 4001 + i));
    fresh.channel.close();
  });

  it('a FIFO is refused (FAILURE) instead of blocking a file-system thread', async () => {
    const fresh = await rawSftp(conn.client);
    fresh.send(openPacket(1, '/pipe', 1)); // read
    fresh.send(openPacket(2, '/pipe', 2)); // write
    fresh.send(statPacket(3, '/big.bin'));
    expect(await fresh.next()).toMatchObject({ id: 1, type: SFTP.STATUS, code: 4 });
    expect(await fresh.next()).toMatchObject({ id: 2, type: SFTP.STATUS, code: 4 });
    expect(await fresh.next()).toMatchObject({ id: 3, type: SFTP.ATTRS });
    fresh.channel.close();
  });

  it('a packet over 256 KiB closes that channel only', async () => {
    const big = await rawSftp(conn.client);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(MiB); // length field: 1 MiB, more than any SFTP packet may be
    big.send(header);
    await big.closed;
    sftp.send(statPacket(2000, '/big.bin'));
    expect(await sftp.next()).toMatchObject({ id: 2000, type: SFTP.ATTRS });
  });

  it('a client that sends READs and never reads the replies is cut off', async () => {
    const rssBefore = rss();
    const slow = await rawSftp(conn.client);
    slow.send(openPacket(1, '/big.bin'));
    const h = await slow.next();
    slow.channel.pause(); // stop reading: ssh2 then stops granting the server window
    for (let i = 0; i < 1000; i++)
      slow.send(readPacket(10 + i, h!.handle!, (i % 64) * 65536, 65536));
    expect(
      await sawLog((e) => /sftp: client leaves \d+ bytes of replies unread/.test(e.detail ?? '')),
    ).toBe(true);
    // Held: 16 MiB of unread replies (sftp-gate's MAX_BACKLOG) and the 2 MiB window sent.
    expectGrowthBelow(rssBefore, 18 * MiB);
    slow.channel.resume(); // the channel's close is seen once what arrived before it is read
    await slow.closed;
    expect(await bystander()).toMatchObject({ code: 0, stdout: 'still served\n' });
  });
});
