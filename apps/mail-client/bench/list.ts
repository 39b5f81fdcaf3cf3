/** Bench 1: list N envelopes with mail-client and with Python's imaplib, same Dovecot, same run. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensurePython } from '@netlab/peers';
import type { MailSession } from '../src/client.ts';
import { listEnvelopes } from '../src/listing.ts';
import type { MailStack } from '../src/stack.ts';

const run = promisify(execFile);

/** Wall-clock and CPU milliseconds of one listing. */
export interface Timing {
  wall: number;
  cpu: number;
}

/** Times one listing of the whole folder in a logged-in session (EXAMINE, FETCH 1:N, parse). */
export async function timeMailClient(
  session: MailSession,
  folder: string,
  count: number,
): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const listing = await listEnvelopes(session, folder, {}, { limit: count, page: 1 });
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (listing.messages.length !== count)
    throw new Error(`listed ${listing.messages.length}, expected ${count}`);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/**
 * Runs bench/imaplib_list.py: the same EXAMINE and FETCH 1:N (UID among the items), parsed with the
 * stdlib; its first listing warms up (as the caller does for mail-client) and is dropped.
 */
export async function timeImaplib(
  stack: MailStack,
  folder: string,
  count: number,
): Promise<Timing> {
  const bob = stack.users.find((u) => u.name === 'bob')!;
  const script = new URL('./imaplib_list.py', import.meta.url).pathname;
  const { host, imapsPort, caPath } = stack.dovecot;
  const args = [script, host, String(imapsPort), bob.email, bob.passwordFile, caPath, folder, '2'];
  // Debian's /usr/bin/python3 (installed when missing): the interpreter every netlab bench compares with.
  const { stdout } = await run(await ensurePython(), args, { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout) as { times_ms: number[]; cpu_ms: number[]; count: number };
  if (result.count !== count) throw new Error(`imaplib listed ${result.count}, expected ${count}`);
  return { wall: result.times_ms[1]!, cpu: result.cpu_ms[1]! };
}
