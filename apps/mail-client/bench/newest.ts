/** Bench 2, the user-visible case: `mail list --limit 50` as a process (start, connect, login, list) vs the same in Python's imaplib. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensurePython } from '@netlab/peers';
import type { MailStack } from '../src/stack.ts';

const run = promisify(execFile);
const APP = fileURLToPath(new URL('..', import.meta.url));
// The launcher the package script `mail` uses: the command a user types, bundle cache and all.
const LAUNCHER = fileURLToPath(
  new URL('../node_modules/@netlab/cli/bin/netlab-run.mjs', import.meta.url),
);

/** Wall milliseconds of one process run, from spawn to exit. */
async function timeProcess(program: string, args: string[], env: NodeJS.ProcessEnv) {
  const start = performance.now();
  const { stdout } = await run(program, args, { cwd: APP, env, maxBuffer: 1 << 20 });
  return { ms: performance.now() - start, lines: stdout.trim().split('\n').length };
}

/** One timed run of `mail list` for the newest `limit` envelopes of `folder`, as user bob. */
export function timeMailList(stack: MailStack, folder: string, limit: number) {
  const args = [LAUNCHER, 'src/main.ts', 'list', '--config', stack.configPath, '-a', 'bob'];
  const env = { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: stack.dir };
  return timeProcess(process.execPath, [...args, '-f', folder, '-n', String(limit)], env);
}

/** One timed run of bench/imaplib_newest.py doing the same (interpreter start included). */
export async function timePythonList(stack: MailStack, folder: string, limit: number) {
  const bob = stack.users.find((u) => u.name === 'bob')!;
  const script = fileURLToPath(new URL('./imaplib_newest.py', import.meta.url));
  const { host, imapsPort, caPath } = stack.dovecot;
  const args = [script, host, String(imapsPort), bob.email, bob.passwordFile, caPath, folder];
  return timeProcess(await ensurePython(), [...args, String(limit)], process.env);
}
