/** sweepLeftovers: a test process killed with SIGKILL leaves a daemon; the next run ends it. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { descendantsOf } from './proc.ts';
import { sweepLeftovers } from './sweep.ts';
import { isAlive } from './test-helpers.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

// Starts Dovecot (a master with service processes), prints its pid and folder, dies by SIGKILL.
const VICTIM = `
import { startDovecot } from './src/index.ts';
const mail = await startDovecot({ users: [{ user: 'a@netlab.test', password: 'x' }] });
console.log(JSON.stringify({ pid: mail.pid, stateDir: mail.stateDir }));
process.kill(process.pid, 'SIGKILL');
`;

describe('sweepLeftovers', { timeout: 60_000 }, () => {
  it('kills the daemon of a SIGKILLed owner, with its service processes, and removes its folder', async () => {
    // A private TMPDIR: other test files' processes sweep os.tmpdir() when they start a server
    // and would otherwise race this test for the victim's folder.
    const root = mkdtempSync(join(tmpdir(), 'peers-sweep-'));
    const args = ['--import', 'tsx', '--input-type=module', '-e', VICTIM];
    const child = spawn(process.execPath, args, {
      cwd: packageDir,
      env: { ...process.env, TMPDIR: root },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    const signal = await new Promise((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const { pid, stateDir } = JSON.parse(out) as { pid: number; stateDir: string };
    const services = descendantsOf(pid);
    // No 'exit' event ran: the daemon is orphaned and its folder is still there.
    expect(isAlive(pid)).toBe(true);
    expect(existsSync(stateDir)).toBe(true);
    expect(stateDir.startsWith(root)).toBe(true);
    sweepLeftovers(root);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isAlive(pid)).toBe(false);
    expect(services.filter(isAlive)).toEqual([]);
    expect(existsSync(stateDir)).toBe(false);
    rmSync(root, { recursive: true, force: true });
  });
});
