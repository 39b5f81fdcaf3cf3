/** Our client against OpenSSH's sshd (via @netlab/peers): exec, PTY shell, SFTP, host key policy. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type SshdPeer, startSshd } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOpenSsh, makeUserKey, tempDir, waitUntil } from '../test/fixtures.ts';
import { type ConnectOptions, connect } from './client.ts';
import { loadIdentities } from './identity.ts';
import { get, put } from './transfer.ts';

const dir = tempDir('client');
let sshd: SshdPeer;
let base: ConnectOptions;
const knownHosts = join(dir.path, 'known_hosts');

function sink() {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

beforeAll(async () => {
  await ensureOpenSsh();
  const user = makeUserKey(dir.path, 'id_user');
  sshd = await startSshd({ authorizedKeys: [user.publicLine] });
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  base = {
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    knownHostsFile: knownHosts,
    identities: loadIdentities([user.path]),
  };
}, 300_000);
afterAll(async () => {
  await sshd?.stop();
  dir.remove();
});

describe('our client against OpenSSH sshd', { timeout: 60_000 }, () => {
  it('runs commands: stdout, stderr, exit codes, signals', async () => {
    const conn = await connect(base);
    try {
      const out = sink();
      const err = sink();
      const r = await conn.exec('echo out; echo err >&2; exit 3', {
        stdout: out.stream,
        stderr: err.stream,
      });
      expect(r).toEqual({ exitCode: 3, signal: null });
      expect([out.text(), err.text()]).toEqual(['out\n', 'err\n']);
      const killed = await conn.exec('kill -TERM $$', {
        stdout: sink().stream,
        stderr: sink().stream,
      });
      expect(killed).toEqual({ exitCode: null, signal: 'TERM' });
      const input = new PassThrough();
      input.end('abc\n');
      const up = sink();
      await conn.exec('tr a-z A-Z', { stdout: up.stream, stderr: sink().stream, stdin: input });
      expect(up.text()).toBe('ABC\n');
    } finally {
      await conn.end();
    }
  });

  it('runs a shell with a PTY of the requested size and returns its exit code', async () => {
    const conn = await connect(base);
    const stdin = new PassThrough();
    const screen = sink();
    let resize: ((cols: number, rows: number) => void) | undefined;
    const done = conn.shell({
      stdin,
      stdout: screen.stream,
      term: 'xterm',
      cols: 90,
      rows: 30,
      onResize: (fn) => (resize = fn),
    });
    stdin.write('stty size; tty\n');
    expect(await waitUntil(() => screen.text().includes('30 90'), 15_000)).toBe(true);
    resize!(120, 50);
    await new Promise((r) => setTimeout(r, 200));
    stdin.write('stty size; exit 4\n');
    expect(await done).toEqual({ exitCode: 4, signal: null });
    expect(screen.text()).toContain('50 120');
    expect(screen.text()).toMatch(/\/dev\/pts\/\d+/);
    await conn.end();
  });

  it('puts and gets files over SFTP with progress', async () => {
    const conn = await connect(base);
    const sftp = await conn.sftp();
    const local = join(dir.path, 'payload.bin');
    const data = Buffer.alloc(2_000_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
    writeFileSync(local, data);
    const seen: number[] = [];
    const remote = join(dir.path, 'remote.bin'); // sshd's internal-sftp sees the real file system
    expect(await put(sftp, local, remote, { onProgress: (d) => seen.push(d) })).toBe(data.length);
    expect(seen.at(-1)).toBe(data.length);
    await get(sftp, remote, join(dir.path, 'back.bin'));
    expect(readFileSync(join(dir.path, 'back.bin')).equals(data)).toBe(true);
    await expect(get(sftp, '/no/such/file', join(dir.path, 'x'))).rejects.toMatchObject({
      code: 'ERR_SFTP',
    });
    await conn.end();
  });
});

describe('host key policy against sshd', { timeout: 60_000 }, () => {
  it('refuses an unknown host, then records it with acceptNew (hashed) and trusts it', async () => {
    const file = join(dir.path, 'tofu_known_hosts');
    await expect(connect({ ...base, knownHostsFile: file })).rejects.toMatchObject({
      code: 'ERR_HOST_KEY_UNKNOWN',
    });
    const conn = await connect({
      ...base,
      knownHostsFile: file,
      acceptNew: true,
      hashKnownHosts: true,
    });
    await conn.end();
    const recorded = readFileSync(file, 'utf8');
    expect(recorded.startsWith('|1|')).toBe(true);
    // OpenSSH itself finds our hashed entry:
    const found = execFileSync('ssh-keygen', ['-F', `[${sshd.host}]:${sshd.port}`, '-f', file], {
      encoding: 'utf8',
    });
    expect(found).toContain(sshd.hostPublicKey.split(' ')[1]);
    await (await connect({ ...base, knownHostsFile: file })).end();
  });

  it('refuses a changed key, naming both fingerprints, even with acceptNew', async () => {
    const impostor = makeUserKey(dir.path, 'impostor');
    const file = join(dir.path, 'changed_known_hosts');
    writeFileSync(file, `[${sshd.host}]:${sshd.port} ${impostor.publicLine}\n`);
    const err = await connect({ ...base, knownHostsFile: file, acceptNew: true }).catch((e) => e);
    expect(err.code).toBe('ERR_HOST_KEY_CHANGED');
    expect(err.message).toContain(sshd.hostKeyFingerprint);
    const impostorFp = execFileSync('ssh-keygen', ['-l', '-f', `${impostor.path}.pub`], {
      encoding: 'utf8',
    }).split(' ')[1]!;
    expect(err.message).toContain(impostorFp);
  });

  it('accepts a known_hosts file hashed by ssh-keygen -H', async () => {
    const file = join(dir.path, 'hashed_known_hosts');
    writeFileSync(file, `${sshd.knownHostsLine}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    await (await connect({ ...base, knownHostsFile: file })).end();
  });

  it('fails with ERR_AUTH_FAILED for a key sshd does not know', async () => {
    const stranger = makeUserKey(dir.path, 'stranger');
    const err = await connect({ ...base, identities: loadIdentities([stranger.path]) }).catch(
      (e) => e,
    );
    expect(err.code).toBe('ERR_AUTH_FAILED');
    expect(err.message).toContain(stranger.path);
  });
});
