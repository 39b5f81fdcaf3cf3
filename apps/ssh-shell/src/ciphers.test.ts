/** The ciphers our server offers: OpenSSH's `ssh` gets aes128-ctr by default, chacha20-poly1305 only when asked for. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
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

const dir = tempDir('ciphers');
const me = userInfo().username;
const knownHosts = join(dir.path, 'known_hosts');
const CHACHA = 'chacha20-poly1305@openssh.com';
// 4 MB: many packets, several window adjustments, and a digest that catches one wrong byte.
const STREAM = 'head -c 4000000 /dev/zero | tr "\\0" x';
const DIGEST = createHash('sha256').update('x'.repeat(4_000_000)).digest('hex');
let key: { path: string; publicLine: string };
let plain: OurServer;
let withChacha: OurServer;

beforeAll(async () => {
  await ensureOpenSsh();
  key = makeUserKey(dir.path, 'id');
  plain = await startOurServer(dir.path, [key.publicLine]);
  withChacha = await startOurServer(dir.path, [key.publicLine], {
    algorithms: { cipher: [CHACHA, 'aes128-ctr'] },
  });
  writeFileSync(knownHosts, `${plain.knownHostsLine}\n${withChacha.knownHostsLine}\n`);
}, 120_000);
afterAll(async () => {
  await plain?.stop();
  await withChacha?.stop();
  dir.remove();
});

/** OpenSSH `ssh` to `port` running `cmd`; `-v` output says which cipher key exchange chose. */
async function ssh(port: number | string, cmd: string, extra: string[] = [], kh = knownHosts) {
  // ssh takes the first value given for an option: this LogLevel wins over opensshOptions'.
  const args = ['-o', 'LogLevel=DEBUG1', ...opensshOptions(kh, key.path), ...extra];
  const r = await run('ssh', [...args, '-p', String(port), `${me}@127.0.0.1`, cmd]);
  const cipher = /kex: server->client cipher: (\S+)/.exec(r.stderr)?.[1];
  const digest = createHash('sha256').update(r.stdout).digest('hex');
  return { ...r, cipher, digest };
}

describe('server ciphers with OpenSSH ssh', { timeout: 60_000 }, () => {
  it('negotiates aes128-ctr by default: chacha20-poly1305 is not offered', async () => {
    const r = await ssh(plain.port, STREAM);
    expect(r.code).toBe(0);
    expect(r.cipher).toBe('aes128-ctr');
    expect(r.digest).toBe(DIGEST);
    const refused = await ssh(plain.port, 'true', ['-c', CHACHA]);
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/no matching cipher found/);
  });

  it('speaks chacha20-poly1305 when the server is told to offer it', async () => {
    const r = await ssh(withChacha.port, STREAM);
    expect(r.code).toBe(0);
    expect(r.cipher).toBe(CHACHA);
    expect(r.digest).toBe(DIGEST);
  });
});

describe('server --ciphers', { timeout: 60_000 }, () => {
  const TSX = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
  const MAIN = join(import.meta.dirname, 'main.ts');
  const state = join(dir.path, 'cli-state');
  const server = ['server', '--json', '--state', state, '--port', '0'];

  it('refuses an unknown or empty list with exit 2, ERR_USAGE, naming it', async () => {
    for (const bad of ['aes128-ctr,no-such-cipher', ',']) {
      const r = await run(TSX, [MAIN, ...server, '--ciphers', bad]);
      expect(r.code).toBe(2);
      const { error } = JSON.parse(r.stderr.trim()) as { error: { code: string; message: string } };
      expect(error.code).toBe('ERR_USAGE');
      expect(error.message).toContain('--ciphers');
    }
  });

  it('offers exactly the list given', async () => {
    const args = ['--authorized-keys', join(dir.path, 'authorized_keys'), '--home', dir.path];
    const child = spawn(TSX, [MAIN, ...server, ...args, '--ciphers', `${CHACHA},aes256-ctr`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    try {
      expect(await waitUntil(() => /"event":"listen"/.test(out), 30_000)).toBe(true);
      const listen = JSON.parse(out.split('\n').find((l) => l.includes('"listen"'))!) as {
        address: string;
        publicKey: string;
      };
      const port = listen.address.split(':').pop()!;
      const kh = join(dir.path, 'cli_known_hosts');
      writeFileSync(kh, `[127.0.0.1]:${port} ${listen.publicKey}\n`);
      expect(await ssh(port, 'true', [], kh)).toMatchObject({ code: 0, cipher: CHACHA });
      expect(await ssh(port, 'true', ['-c', 'aes256-ctr'], kh)).toMatchObject({
        code: 0,
        cipher: 'aes256-ctr',
      });
      const refused = await ssh(port, 'true', ['-c', 'aes128-ctr'], kh);
      expect(refused.stderr).toMatch(/no matching cipher found/);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
