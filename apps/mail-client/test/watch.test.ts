/** watch against real Dovecot: IDLE delivery, IDLE re-issue, reconnect after a restart without losses. */

import { waitUntil } from '@netlab/peers';
import { describe, expect, it } from 'vitest';
import { connect } from '../src/client.ts';
import { loadConfig, selectAccount } from '../src/config.ts';
import type { Envelope } from '../src/envelope.ts';
import { spawnMail, waitForLine } from '../src/spawn-cli.ts';
import { watchFolder } from '../src/watcher.ts';
import { mail, useStack } from './helpers.ts';

const stack = useStack();
const T = { timeout: 120_000 };

async function send(subject: string): Promise<void> {
  const result = await mail(stack(), [
    'send',
    '-a',
    'alice',
    '--to',
    'bob@netlab.test',
    '--subject',
    subject,
    '--body',
    subject,
  ]);
  if (result.code !== 0) throw new Error(`send failed: ${result.error?.message}`);
}

function collect(stream: NodeJS.ReadableStream): string[] {
  const lines: string[] = [];
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  return lines;
}

/** Polls a condition (bounded); throws naming `what` if it never holds. */
async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  if (!(await waitUntil(condition, timeoutMs))) throw new Error(`timed out waiting for ${what}`);
}

const exited = (child: ReturnType<typeof spawnMail>) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve),
  );

describe('watch (the real CLI)', () => {
  it('prints a message sent from another account within 2 s of its delivery', T, async () => {
    const watcher = spawnMail([
      'watch',
      '--config',
      stack().configPath,
      '-a',
      'bob',
      '--json',
      '--count',
      '1',
      '--for',
      '60',
    ]);
    try {
      await waitForLine(watcher.stderr!, (l) => l.startsWith('watch: watching INBOX'), 30_000);
      const line = waitForLine(watcher.stdout!, (l) => l.startsWith('{'), 60_000);
      await send('ping über IDLE');
      // send resolves once LMTP has delivered into the Maildir; IDLE must report it promptly.
      const envelope = JSON.parse(
        await Promise.race([
          line,
          new Promise<string>((_, reject) =>
            setTimeout(() => reject(new Error('not within 2 s')), 2000),
          ),
        ]),
      ) as Envelope;
      expect(envelope.subject).toBe('ping über IDLE');
      expect(envelope.from[0]!.address).toBe('alice@netlab.test');
      expect(await exited(watcher)).toBe(0);
    } finally {
      if (watcher.exitCode === null) watcher.kill('SIGKILL');
    }
  });

  it('reconnects after Dovecot restarts and prints every message exactly once', T, async () => {
    const watcher = spawnMail([
      'watch',
      '--config',
      stack().configPath,
      '-a',
      'bob',
      '--json',
      '--count',
      '3',
      '--for',
      '100',
    ]);
    const out = collect(watcher.stdout!);
    const err = collect(watcher.stderr!);
    try {
      await until(() => err.some((l) => l.startsWith('watch: watching')), 30_000, 'watch to start');
      await send('before restart');
      await until(() => out.some((l) => l.includes('before restart')), 10_000, 'the first message');
      const oldPid = stack().dovecot.pid;
      await stack().dovecot.restart();
      expect(stack().dovecot.pid).not.toBe(oldPid);
      await send('right after restart'); // likely before watch has reconnected
      const watching = () => err.filter((l) => l.startsWith('watch: watching INBOX')).length;
      await until(
        () => watching() >= 2,
        60_000,
        `a second 'watching' line in ${JSON.stringify(err)}`,
      );
      await send('after reconnect');
      expect(await exited(watcher)).toBe(0);
      const subjects = out
        .filter((l) => l.startsWith('{'))
        .map((l) => (JSON.parse(l) as Envelope).subject);
      expect(subjects).toEqual(['before restart', 'right after restart', 'after reconnect']);
      expect(err.some((l) => l.includes('reconnecting in'))).toBe(true);
    } finally {
      if (watcher.exitCode === null) watcher.kill('SIGKILL');
    }
  });
});

describe('watchFolder', () => {
  it('re-issues IDLE on its timer (DONE, then IDLE again) and still sees new mail', T, async () => {
    const trace: string[] = [];
    const account = selectAccount(loadConfig(stack().configPath), 'bob');
    const session = await connect({ account, trace: (l) => trace.push(l) });
    const arrived: Envelope[] = [];
    const restarts: number[] = [];
    try {
      const watching = watchFolder({
        session,
        folder: 'INBOX',
        count: 1,
        idleRestartMs: 200,
        onMessage: (e) => arrived.push(e),
        onEvent: (e) => (e.type === 'idle-restart' ? restarts.push(1) : undefined),
      });
      while (restarts.length < 3) await new Promise((r) => setTimeout(r, 100));
      await send('after idle restarts');
      await watching;
    } finally {
      await session.close();
    }
    expect(arrived.map((e) => e.subject)).toEqual(['after idle restarts']);
    expect(trace.filter((l) => /^IMAP C: \S+ IDLE$/.test(l)).length).toBeGreaterThanOrEqual(4);
    expect(trace.filter((l) => l === 'IMAP C: DONE').length).toBeGreaterThanOrEqual(3);
  });

  it(
    'backs off between reconnects and gives up with ERR_CONNECT after maxAttempts',
    T,
    async () => {
      const config = loadConfig(stack().configPath);
      const account = selectAccount(config, 'bob');
      const session = await connect({ account });
      // Reconnects go to a port nobody listens on (port 1 on loopback refuses at once).
      const dead = {
        ...account,
        imap: { ...account.imap, endpoint: { ...account.imap.endpoint, port: 1 } },
      };
      session.reconnect = () => connect({ account: dead });
      const events: string[] = [];
      const watching = watchFolder({
        session,
        folder: 'INBOX',
        backoff: { initialMs: 20, maxMs: 40, maxAttempts: 3 },
        onMessage: () => {},
        onEvent: (e) => {
          events.push(e.type === 'reconnecting' ? `reconnecting ${e.attempt}` : e.type);
          if (e.type === 'watching') session.imap.close(); // drop the live connection
        },
      });
      await expect(watching).rejects.toMatchObject({ code: 'ERR_CONNECT' });
      expect(events).toEqual(['watching', 'reconnecting 1', 'reconnecting 2', 'reconnecting 3']);
    },
  );
});
