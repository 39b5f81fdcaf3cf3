/** exec -H timeouts against OpenSSH's sshd: what a signal request and a hangup really end. */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, type SshdPeer, startSshd } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOpenSsh, makeUserKey, tempDir, waitUntil } from '../test/fixtures.ts';
import { loadIdentities } from './identity.ts';
import { execMany, type ManyOptions } from './multi.ts';

const dir = tempDir('multi-sshd');
let sshd: SshdPeer;
let base: ManyOptions['base'];
const started: number[] = [];

beforeAll(async () => {
  await ensureOpenSsh();
  const key = makeUserKey(dir.path, 'id_user');
  sshd = await startSshd({ authorizedKeys: [key.publicLine] });
  writeFileSync(join(dir.path, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  base = { knownHostsFile: join(dir.path, 'known_hosts'), identities: loadIdentities([key.path]) };
}, 300_000);
afterAll(async () => {
  for (const pid of started) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  await sshd?.stop();
  dir.remove();
});

/** One host that runs past a 2 s timeout; returns the result and the command's pid. */
async function timedOut(pty: boolean) {
  const lines: string[] = [];
  const target = { label: 'sshd', host: sshd.host, port: sshd.port, username: sshd.user };
  const [result] = await execMany([target], 'echo $$; exec sleep 25', {
    concurrency: 1,
    timeoutMs: 2000,
    base,
    pty,
    onLine: (_t, _s, line) => lines.push(line),
  });
  const pid = Number(lines[0]);
  expect(pid).toBeGreaterThan(1);
  started.push(pid);
  return { result: result!, pid };
}

describe('exec -H --timeout against sshd 9.2', { timeout: 60_000 }, () => {
  it('with a PTY (-t): the hangup ends the command', async () => {
    const { result, pid } = await timedOut(true);
    expect(result.error).toMatchObject({ code: 'ERR_TIMEOUT' });
    expect(result.error?.message).toMatch(/hangup sends the command SIGHUP/);
    expect(await waitUntil(() => !isRunning(pid), 10_000)).toBe(true);
  });

  it('without a PTY: the TERM signal request is sent; sshd ignores it for root, and says so', async () => {
    const { result, pid } = await timedOut(false);
    expect(result.error?.message).toMatch(/sent TERM \(signal request\) and hung up/);
    expect(result.error?.message).toMatch(/may run on \(use -t\)/);
    // sshd 9.2 logs "session signalling requires privilege separation" for root logins and
    // leaves the command alone; for other users it delivers the signal (killpg).
    const root = process.getuid?.() === 0;
    if (root) {
      await new Promise((r) => setTimeout(r, 1000));
      expect(isRunning(pid)).toBe(true);
    } else expect(await waitUntil(() => !isRunning(pid), 10_000)).toBe(true);
  });
});
