/** Server authentication limits: passwords (scrypt file), MaxAuthTries, login grace time. */

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
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
import { type ConnectOptions, connect } from './client.ts';
import { loadIdentities } from './identity.ts';
import { hashPassword } from './passwords.ts';

const dir = tempDir('auth');
let withPasswords: OurServer;
let keysOnly: OurServer;
const knownHosts = join(dir.path, 'known_hosts');
const user = userInfo().username;

function options(server: OurServer, extra: Partial<ConnectOptions>): ConnectOptions {
  return {
    host: server.host,
    port: server.port,
    username: user,
    knownHostsFile: knownHosts,
    ...extra,
  };
}

beforeAll(async () => {
  await ensureOpenSsh();
  const key = makeUserKey(dir.path, 'id_user');
  const passwordFile = join(dir.path, 'passwords');
  writeFileSync(passwordFile, `${await hashPassword(user, 's3cret pass')}\n`);
  withPasswords = await startOurServer(join(dir.path), [key.publicLine], {
    passwordFile,
    maxAuthTries: 3,
  });
  keysOnly = await startOurServer(join(dir.path), [key.publicLine], {
    maxAuthTries: 3,
    loginGraceMs: 500,
  });
  writeFileSync(knownHosts, `${withPasswords.knownHostsLine}\n${keysOnly.knownHostsLine}\n`);
}, 300_000);
afterAll(async () => {
  await withPasswords?.stop();
  await keysOnly?.stop();
  dir.remove();
});

describe('password authentication', { timeout: 60_000 }, () => {
  it('accepts the right password when a password file is configured', async () => {
    const conn = await connect(options(withPasswords, { password: 's3cret pass' }));
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    await conn.exec('echo in', { stdout: out, stderr: new PassThrough() });
    await conn.end();
    expect(text).toBe('in\n');
  });

  it('lets OpenSSH log in with a password (SSH_ASKPASS) and refuses a wrong one', async () => {
    const askpass = join(dir.path, 'askpass.sh');
    const attempt = async (password: string) => {
      writeFileSync(askpass, `#!/bin/sh\necho '${password}'\n`);
      chmodSync(askpass, 0o700);
      const args = [
        ...opensshOptions(knownHosts, '/dev/null', false),
        '-o',
        'PubkeyAuthentication=no',
        '-o',
        'PreferredAuthentications=password',
        '-o',
        'NumberOfPasswordPrompts=1',
        '-p',
        String(withPasswords.port),
        `${user}@127.0.0.1`,
        'echo logged-in',
      ];
      return run('env', [
        `SSH_ASKPASS=${askpass}`,
        'SSH_ASKPASS_REQUIRE=force',
        'DISPLAY=:0',
        'setsid',
        '-w',
        'ssh',
        ...args,
      ]);
    };
    const ok = await attempt('s3cret pass');
    expect(ok).toMatchObject({ code: 0, stdout: 'logged-in\n' });
    const wrong = await attempt('guess');
    expect(wrong.code).toBe(255);
    expect(wrong.stderr).toMatch(/Permission denied/);
  });

  it('refuses a wrong password, and any password where none is enabled', async () => {
    await expect(connect(options(withPasswords, { password: 'nope' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_FAILED',
    });
    await expect(connect(options(keysOnly, { password: 's3cret pass' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_FAILED',
    });
  });
});

describe('limits', { timeout: 60_000 }, () => {
  it('disconnects after maxAuthTries failed attempts', async () => {
    const strangers = Array.from(
      { length: 6 },
      (_, i) => makeUserKey(dir.path, `stranger${i}`).path,
    );
    const before = keysOnly.logs.length;
    const err = await connect(options(keysOnly, { identities: loadIdentities(strangers) })).catch(
      (e) => e,
    );
    expect(['ERR_AUTH_FAILED', 'ERR_DISCONNECTED']).toContain(err.code);
    await keysOnly.waitForLog((e) => /too many authentication failures \(3\)/.test(e.detail ?? ''));
    const failures = keysOnly.logs
      .slice(before)
      .filter((e) => e.event === 'auth' && e.ok === false);
    expect(failures).toHaveLength(3); // not 6: the connection was dropped at the limit
  });

  it('drops a connection that does not authenticate within the login grace time', async () => {
    const socket = net.connect(keysOnly.port, '127.0.0.1');
    let banner = '';
    socket.on('data', (d) => (banner += d));
    const closedAfter = await new Promise<number>((resolve) => {
      const t0 = Date.now();
      socket.on('close', () => resolve(Date.now() - t0));
    });
    expect(banner).toMatch(/^SSH-2\.0-netlab-ssh-shell/);
    expect(closedAfter).toBeGreaterThanOrEqual(400);
    await keysOnly.waitForLog((e) => /login grace time/.test(e.detail ?? ''));
  });

  it('ends an idle connection and the command it left running', async () => {
    const idleDir = join(dir.path, 'idle');
    mkdirSync(idleDir);
    const key = makeUserKey(idleDir, 'id_idle');
    const idleServer = await startOurServer(idleDir, [key.publicLine], { idleTimeoutMs: 500 });
    try {
      writeFileSync(join(idleDir, 'known_hosts'), `${idleServer.knownHostsLine}\n`);
      const conn = await connect({
        host: idleServer.host,
        port: idleServer.port,
        username: user,
        knownHostsFile: join(idleDir, 'known_hosts'),
        identities: loadIdentities([key.path]),
      });
      const out = new PassThrough();
      let text = '';
      out.on('data', (d) => (text += d));
      const pending = conn.exec('echo $$; sleep 60', { stdout: out, stderr: new PassThrough() });
      await expect(pending).rejects.toMatchObject({ code: 'ERR_DISCONNECTED' });
      await idleServer.waitForLog((e) => /idle for 500 ms/.test(e.detail ?? ''));
      const pid = Number(text.trim());
      expect(pid).toBeGreaterThan(1);
      expect(await waitUntil(() => !isRunning(pid), 10_000)).toBe(true);
    } finally {
      await idleServer.stop();
    }
  });
});
