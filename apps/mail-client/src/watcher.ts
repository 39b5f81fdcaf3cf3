/** watchFolder: IMAP IDLE on a folder, re-issued before 29 minutes, reconnecting with backoff. */
import { setTimeout as sleep } from 'node:timers/promises';
import { debuglog } from 'node:util';
import type { MailSession } from './client.ts';
import { ENVELOPE_QUERY, type Envelope, toEnvelope } from './envelope.ts';
import { MailError, toMailError } from './errors.ts';
import { openFolder } from './mailbox.ts';
import { recordUidValidity } from './uid-state.ts';

const debug = debuglog('mail-client');

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

interface Cursor {
  uidValidity: bigint | undefined;
  /** Highest UID already reported: each message is printed once, across reconnects too. */
  lastUid: number;
  delivered: number;
}

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
      const delayMs = Math.round(
        Math.min(maxMs, initialMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2),
      );
      options.onEvent?.({ type: 'reconnecting', attempt, delayMs, reason: mapped.message });
      await sleep(delayMs, undefined, { signal: options.signal }).catch(() => {});
    } finally {
      if (session && session !== options.session) session.imap.close();
      session = undefined;
    }
  }
}

/** Opens the folder and lines the cursor up with it (a changed UIDVALIDITY starts over). */
async function openAndAlign(
  session: MailSession,
  cursor: Cursor,
  options: WatchOptions,
): Promise<void> {
  const mailbox = await openFolder(session, options.folder, true);
  if (cursor.uidValidity !== undefined && cursor.uidValidity !== mailbox.uidValidity) {
    // The old UIDs mean nothing now (RFC 3501 §2.3.1.1): start over from the current end.
    const change = { from: String(cursor.uidValidity), to: String(mailbox.uidValidity) };
    options.onEvent?.({ type: 'uidvalidity-changed', ...change });
    cursor.uidValidity = undefined;
  }
  if (cursor.uidValidity === undefined) {
    cursor.uidValidity = mailbox.uidValidity;
    cursor.lastUid = mailbox.uidNext - 1; // only mail arriving from now on is new
  }
  recordUidValidity(session.account, options.folder, mailbox.uidValidity);
  const uidValidity = String(mailbox.uidValidity);
  options.onEvent?.({
    type: 'watching',
    folder: options.folder,
    uidValidity,
    lastUid: cursor.lastUid,
  });
}

/** One connection's life: catch up, then IDLE until new mail, fetch it, IDLE again. */
async function watchSession(
  session: MailSession,
  cursor: Cursor,
  options: WatchOptions,
): Promise<void> {
  const { imap } = session;
  let pending = false;
  let lost: Error | undefined;
  let wake: (() => void) | undefined;
  const onExists = () => {
    pending = true;
    wake?.();
  };
  const onClose = () => {
    lost = new MailError('ERR_CONNECTION_LOST', `${session.imapLabel}: connection closed`);
    wake?.();
  };
  // Listen before anything else, so a drop at any moment is noticed.
  imap.on('exists', onExists);
  imap.on('close', onClose);
  const check = () => {
    if (lost || !imap.usable)
      throw lost ?? new MailError('ERR_CONNECTION_LOST', `${session.imapLabel}: connection closed`);
  };
  try {
    await openAndAlign(session, cursor, options);
    for (;;) {
      pending = false;
      check();
      if (await fetchNew(session, cursor, options)) return;
      check();
      if (pending) continue;
      // IDLE until the server reports EXISTS, the restart timer fires, or we are stopped.
      // idle() settles when the IDLE ends: the next command (FETCH, NOOP, LOGOUT) sends DONE.
      void imap.idle().catch((error: unknown) => debug('watch: idle ended: %s', String(error)));
      const reason = await new Promise<'news' | 'restart' | 'stop'>((resolve) => {
        const finish = (why: 'news' | 'restart' | 'stop') => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          resolve(why);
        };
        const timer = setTimeout(() => finish('restart'), options.idleRestartMs ?? 25 * 60_000);
        const onAbort = () => finish('stop');
        options.signal?.addEventListener('abort', onAbort, { once: true });
        wake = () => finish('news');
        if (options.signal?.aborted) finish('stop');
        else if (pending || lost) finish('news');
      });
      wake = undefined;
      check();
      if (reason === 'stop') return;
      if (reason === 'restart') {
        options.onEvent?.({ type: 'idle-restart' });
        await imap.noop(); // any command ends the IDLE with DONE; the loop issues a new one
      }
    }
  } finally {
    imap.off('exists', onExists);
    imap.off('close', onClose);
  }
}

/** UID FETCH lastUid+1:* and report what is really new; true once `count` is reached. */
async function fetchNew(
  session: MailSession,
  cursor: Cursor,
  options: WatchOptions,
): Promise<boolean> {
  const found = [];
  // `N:*` always matches the highest UID even when it is below N (RFC 3501 §6.4.8): filter.
  for await (const message of session.imap.fetch(`${cursor.lastUid + 1}:*`, ENVELOPE_QUERY, {
    uid: true,
  })) {
    if (message.uid > cursor.lastUid)
      found.push(toEnvelope(message, options.folder, cursor.uidValidity!));
  }
  found.sort((a, b) => a.uid - b.uid);
  for (const envelope of found) {
    cursor.lastUid = envelope.uid;
    cursor.delivered += 1;
    options.onMessage(envelope);
    if (options.count !== undefined && cursor.delivered >= options.count) return true;
  }
  return false;
}
