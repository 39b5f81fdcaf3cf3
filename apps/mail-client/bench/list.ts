/** Bench 1: list N envelopes with mail-client (imapflow) and with Python's imaplib, same Dovecot, same run. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensurePython } from '@netlab/peers';
import type { MailSession } from '../src/client.ts';
import { ENVELOPE_QUERY, type Envelope, toEnvelope } from '../src/envelope.ts';
import { listEnvelopes } from '../src/listing.ts';
import type { MailStack } from '../src/stack.ts';

const run = promisify(execFile);

/** Wall-clock and CPU milliseconds of one listing. */
export interface Timing {
  wall: number;
  cpu: number;
}

/** Times one listing of the whole folder in a logged-in session (EXAMINE, SEARCH, FETCH, parse). */
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
 * The listing as it was before the lean connection: the same EXAMINE, UID SEARCH and UID FETCH
 * through imapflow 2.1.2, envelopes built by the same code. Kept as the reference the README's
 * "why a second connection" rests on.
 */
export async function timeImapflow(
  session: MailSession,
  folder: string,
  count: number,
): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const mailbox = await session.imap.mailboxOpen(folder, { readOnly: true });
  const uids = (await session.imap.search({ all: true }, { uid: true })) || [];
  const messages: Envelope[] = [];
  for await (const m of session.imap.fetch('1:*', ENVELOPE_QUERY, { uid: true }))
    messages.push(toEnvelope(m, folder, mailbox.uidValidity));
  messages.sort((a, b) => b.uid - a.uid);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (messages.length !== count || uids.length !== count)
    throw new Error(`imapflow listed ${messages.length}, expected ${count}`);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/**
 * Runs bench/imaplib_list.py: the same EXAMINE, UID SEARCH ALL and UID FETCH, parsed with the
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
