/** Hostile input: password guessing over many connections meets the per-source budget. */

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
import { type ConnectOptions, connect } from './client.ts';
import { loadOrCreateHostKey } from './keys.ts';
import { hashPassword } from './passwords.ts';
import type { LogEntry } from './protocol.ts';
import { createServer } from './server.ts';

const me = userInfo().username;
const dir = tempDir('guess');
const knownHosts = join(dir.path, 'known_hosts');
let server: OurServer;
let key: { path: string; publicLine: string };
const PENALTY_MS = 3000;

const options = (password: string): ConnectOptions => ({
  host: server.host,
  port: server.port,
  username: me,
  knownHostsFile: knownHosts,
  password,
  readyTimeoutMs: 10_000,
});

beforeAll(async () => {
  await ensureOpenSsh();
  key = makeUserKey(dir.path, 'id_user');
  const passwordFile = join(dir.path, 'passwords');
  writeFileSync(passwordFile, `${await hashPassword(me, 'right one')}\n`);
  server = await startOurServer(dir.path, [key.publicLine], {
    passwordFile,
    penalties: { budget: 4, penaltyMs: PENALTY_MS, delayMs: 20, maxDelayMs: 200 },
  });
  writeFileSync(knownHosts, `${server.knownHostsLine}\n`);
}, 300_000);
afterAll(async () => {
  await server?.stop();
  dir.remove();
});

describe('per-source login budget', { timeout: 60_000 }, () => {
  it('delays, then refuses a guessing source at connect, while another source carries on', async () => {
    // Four wrong guesses on four connections: MaxAuthTries (6) never comes into play.
    for (let i = 0; i < 4; i++) {
      await expect(connect(options(`guess ${i}`))).rejects.toMatchObject({
        code: 'ERR_AUTH_FAILED',
      });
    }
    const fails = server.logs.filter((e) => e.event === 'auth' && e.ok === false);
    expect(fails.map((e) => /answered after (\d+) ms/.exec(e.detail ?? '')?.[1])).toEqual([
      '20',
      '40',
      '80',
      '160',
    ]);
    await server.waitForLog((e) => /over its budget of 4 failed logins/.test(e.detail ?? ''));
    // Now even the right password is refused: the socket is closed before SSH starts.
    const refused = await connect(options('right one')).catch((e) => e);
    expect(['ERR_DISCONNECTED', 'ERR_CONNECT']).toContain(refused.code);
    await server.waitForLog(
      (e) => e.event === 'refused' && /source 127\.0\.0\.1 penalised/.test(e.detail ?? ''),
    );
    // 127.0.0.2 is another source (all of 127/8 is loopback): OpenSSH's ssh logs in from it.
    const other = await run('ssh', [
      ...opensshOptions(knownHosts, key.path),
      '-b',
      '127.0.0.2',
      '-p',
      String(server.port),
      `${me}@127.0.0.1`,
      'echo other source',
    ]);
    expect(other).toMatchObject({ code: 0, stdout: 'other source\n' });
    // After the penalty time the right password works again.
    const started = Date.now();
    await waitUntil(() => Date.now() - started > PENALTY_MS + 200, PENALTY_MS + 1000);
    const conn = await connect(options('right one'));
    await conn.end();
  });
});

describe('per-source budget over IPv6', { timeout: 60_000 }, () => {
  it('counts a source by its /64: ::1 is refused after its budget, logged as 0:0:0:0::/64', async () => {
    const logs: LogEntry[] = [];
    const v6 = createServer({
      hostKey: loadOrCreateHostKey(join(dir.path, 'state6')).privateKey,
      authorizedKeysFile: join(dir.path, 'authorized_keys'),
      passwordFile: join(dir.path, 'passwords'),
      home: dir.path,
      penalties: { budget: 2, penaltyMs: 60_000, delayMs: 10, maxDelayMs: 10 },
      onLog: (e) => logs.push(e),
    });
    const { port } = await v6.listen(0, '::1');
    const kh = join(dir.path, 'known_hosts6');
    writeFileSync(kh, `[::1]:${port} ${loadOrCreateHostKey(join(dir.path, 'state6')).publicKey}\n`);
    const attempt = (password: string) =>
      connect({ ...options(password), host: '::1', port, knownHostsFile: kh });
    try {
      for (const guess of ['a', 'b'])
        await expect(attempt(guess)).rejects.toMatchObject({ code: 'ERR_AUTH_FAILED' });
      const refused = await attempt('right one').catch((e) => e);
      expect(['ERR_DISCONNECTED', 'ERR_CONNECT']).toContain(refused.code);
      expect(
        await waitUntil(() =>
          logs.some(
            (e) => e.event === 'refused' && /source 0:0:0:0::\/64 penalised/.test(e.detail ?? ''),
          ),
        ),
      ).toBe(true);
    } finally {
      await v6.close();
    }
  });
});
