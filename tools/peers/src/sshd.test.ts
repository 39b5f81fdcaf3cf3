/** startSshd against the OpenSSH client: key login with a strict known_hosts, wrong keys refused. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SshdPeer, startSshd } from './sshd.ts';
import { expectStopped } from './test-helpers.ts';

const exec = promisify(execFile);

describe('startSshd', { timeout: 60_000 }, () => {
  let sshd: SshdPeer;
  let dir: string;
  let key: string;
  let strangerKey: string;

  const ssh = (opts: { key: string; knownHosts: string }, ...command: string[]) =>
    exec('ssh', [
      ...['-F', '/dev/null', '-i', opts.key, '-p', String(sshd.port)],
      ...['-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes'],
      ...['-o', `UserKnownHostsFile=${opts.knownHosts}`, '-o', 'ConnectTimeout=10'],
      `${sshd.user}@${sshd.host}`,
      ...command,
    ]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'peers-sshd-test-'));
    key = join(dir, 'id_ed25519');
    strangerKey = join(dir, 'stranger');
    for (const k of [key, strangerKey]) {
      await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', k]);
    }
    sshd = await startSshd({ authorizedKeys: [readFileSync(`${key}.pub`, 'utf8')] });
    writeFileSync(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs `echo hi` for an authorized key with StrictHostKeyChecking=yes', async () => {
    const { stdout } = await ssh({ key, knownHosts: join(dir, 'known_hosts') }, 'echo', 'hi');
    expect(stdout).toBe('hi\n');
  });

  it("starts sessions in the user's home folder with HOME set to its own empty folder", async () => {
    const known = join(dir, 'known_hosts');
    const { stdout } = await ssh({ key, knownHosts: known }, 'echo "$HOME"; pwd; ls -A "$HOME"');
    expect(stdout).toBe(`${sshd.home}\n${userInfo().homedir}\n`);
  });

  it('reports the fingerprint ssh-keygen computes', async () => {
    const { stdout } = await exec('ssh-keygen', ['-l', '-f', `${sshd.hostKeyPath}.pub`]);
    expect(stdout.split(' ')[1]).toBe(sshd.hostKeyFingerprint);
    expect(sshd.hostPublicKey).toMatch(/^ssh-ed25519 AAAA\S+$/);
    expect(sshd.knownHostsLine).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}`);
  });

  it('refuses a key that is not authorized', async () => {
    const failed = ssh({ key: strangerKey, knownHosts: join(dir, 'known_hosts') }, 'true');
    await expect(failed).rejects.toMatchObject({ code: 255, stderr: /Permission denied/ });
  });

  it('makes the client refuse when known_hosts holds another host key', async () => {
    const otherHost = readFileSync(`${strangerKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const wrong = join(dir, 'wrong_known_hosts');
    writeFileSync(wrong, `[127.0.0.1]:${sshd.port} ${otherHost}\n`);
    const failed = ssh({ key, knownHosts: wrong }, 'true');
    await expect(failed).rejects.toMatchObject({
      code: 255,
      stderr: /HOST IDENTIFICATION HAS CHANGED/,
    });
  });

  it('offers password authentication only when asked', async () => {
    const methods = async (peer: SshdPeer) => {
      const attempt = exec('ssh', [
        ...['-F', '/dev/null', '-p', String(peer.port), '-o', 'BatchMode=yes'],
        ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
        ...['-o', 'PubkeyAuthentication=no', `${peer.user}@${peer.host}`, 'true'],
      ]);
      const err = await attempt.then(
        () => undefined,
        (e: { stderr: string }) => e,
      );
      return /Permission denied \(([^)]*)\)/.exec(err?.stderr ?? '')?.[1];
    };
    expect(await methods(sshd)).toBe('publickey');
    const withPasswords = await startSshd({ authorizedKeys: [], passwordAuthentication: true });
    try {
      expect(await methods(withPasswords)).toBe('publickey,password');
    } finally {
      await withPasswords.stop();
    }
  });

  it('stop() kills sshd and removes its state folder', async () => {
    const other = await startSshd({ authorizedKeys: [] });
    await other.stop();
    expectStopped(other.pid, other.stateDir);
  });
});
