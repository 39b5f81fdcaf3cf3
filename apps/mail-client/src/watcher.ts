/** watchFolder: IMAP IDLE on a folder, re-issued before 29 minutes, reconnecting with backoff. */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '@netlab/cli';
import type { MailSession } from './client.ts';
import type { Envelope } from './envelope.ts';
import { MailError, toMailError } from './errors.ts';
import { type Cursor, watchSession } from './watch-session.ts';

export type WatchEvent =
  | { type: 'watching'; folder: string; uidValidity: string; lastUid: number }
  | { type: 'idle-restart' }
  | { type: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { type: 'uidvalidity-changed'; from: string; to: string };

export interface WatchOptions {
  /** A logged-in session to start with; later ones come from its `reconnect()`. */
  session: MailSession;
  folder: string;
  onMessage(envelope: Envelope): void;
  onEvent?(event: WatchEvent): void;
  /** Stop after this many new messages. */
  count?: number;
  signal?: AbortSignal;
  // RFC 2177: the server may drop an IDLE after 30 minutes, so re-issue it well before 29.
  /** How long one IDLE lasts before DONE and a new IDLE (default 25 minutes). */
  idleRestartMs?: number;
  /** Reconnect delays: doubling from initialMs up to maxMs, with jitter; give up after maxAttempts. */
  backoff?: { initialMs?: number; maxMs?: number; maxAttempts?: number };
}

// Errors that no retry can fix: stop at once instead of backing off.
const FATAL = new Set([
  'ERR_AUTH_FAILED',
  'ERR_TLS_VERIFY',
  'ERR_UNKNOWN_FOLDER',
  'ERR_SECRET',
  'ERR_CONFIG',
  'ERR_TLS',
]);

/**
 * Watches a folder until `count` messages arrived, `signal` aborts, or reconnecting fails
 * `maxAttempts` times in a row. Resolves normally in the first two cases.
 * @throws {MailError} a fatal error (wrong password, refused certificate, no such folder) or ERR_CONNECT.
 */
export async function watchFolder(options: WatchOptions): Promise<void> {
  const { initialMs = 500, maxMs = 10_000, maxAttempts = 12 } = options.backoff ?? {};
  const cursor: Cursor = { uidValidity: undefined, lastUid: 0, delivered: 0 };
  let session: MailSession | undefined = options.session;
  let attempt = 0;
  while (!options.signal?.aborted) {
    try {
      session ??= await options.session.reconnect();
      attempt = 0;
      await watchSession(session, cursor, options);
      return;
    } catch (error) {
      if (options.signal?.aborted) return;
      const mapped = toMailError(error, options.session.imapLabel);
      if (FATAL.has(mapped.code)) throw mapped;
      attempt += 1;
      if (attempt > maxAttempts)
        throw new MailError(
          'ERR_CONNECT',
          `gave up after ${maxAttempts} reconnect attempts: ${mapped.message}`,
          { cause: error },
        );
      const delayMs = backoffDelay(attempt - 1, { baseMs: initialMs, capMs: maxMs });
      options.onEvent?.({ type: 'reconnecting', attempt, delayMs, reason: mapped.message });
      await sleep(delayMs, undefined, { signal: options.signal }).catch(() => {});
    } finally {
      if (session && session !== options.session) session.imap.close();
      session = undefined;
    }
  }
}
