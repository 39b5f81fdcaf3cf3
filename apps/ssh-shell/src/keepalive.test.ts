/** Keepalives: a peer that goes silent (network freeze, not a close) is detected and dropped. */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureOpenSsh,
  makeUserKey,
  type OurServer,
  startOurServer,
  tempDir,
} from '../test/fixtures.ts';
import { connect } from './client.ts';
import { loadIdentities } from './identity.ts';

const dir = tempDir('keepalive');
let server: OurServer;
let identity: string;
let proxy: net.Server;
const pairs: [net.Socket, net.Socket][] = [];

/** A TCP relay that can be frozen: bytes stop moving both ways, yet no FIN or RST is sent. */
function freeze(): void {
  for (const [a, b] of pairs) {
    a.unpipe(b);
    b.unpipe(a);
    a.pause();
    b.pause();
  }
}

beforeAll(async () => {
  await ensureOpenSsh();
  const key = makeUserKey(dir.path, 'id_ka');
  identity = key.path;
  server = await startOurServer(dir.path, [key.publicLine]);
  proxy = net.createServer((down) => {
    const up = net.connect(server.port, '127.0.0.1');
    pairs.push([down, up]);
    down.pipe(up);
    up.pipe(down);
    down.on('error', () => {});
    up.on('error', () => {});
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
}, 300_000);
afterAll(async () => {
  for (const [a, b] of pairs) {
    a.destroy();
    b.destroy();
  }
  await new Promise<void>((resolve) => proxy?.close(() => resolve()));
  await server?.stop();
  dir.remove();
});

describe('client keepalive', { timeout: 60_000 }, () => {
  it('gives up on a frozen connection instead of hanging in exec', async () => {
    const port = (proxy.address() as net.AddressInfo).port;
    const line = server.knownHostsLine.replace(`:${server.port} `, `:${port} `);
    writeFileSync(join(dir.path, 'known_hosts'), `${line}\n`);
    const conn = await connect({
      host: '127.0.0.1',
      port,
      username: userInfo().username,
      knownHostsFile: join(dir.path, 'known_hosts'),
      identities: loadIdentities([identity]),
      keepaliveIntervalMs: 200,
      keepaliveCountMax: 2,
    });
    const out = new PassThrough();
    let started = false;
    out.on('data', () => (started = true));
    const pending = conn.exec('echo go; sleep 30', { stdout: out, stderr: new PassThrough() });
    while (!started) await new Promise((r) => setTimeout(r, 20));
    freeze();
    // Without keepalives this would hang (a frozen TCP path never errors) until the test
    // timeout; with the command's 30 s it would resolve with exit 0, not reject.
    await expect(pending).rejects.toMatchObject({ code: 'ERR_DISCONNECTED' });
  });
});
