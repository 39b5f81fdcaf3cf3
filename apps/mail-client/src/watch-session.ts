/** One IMAP connection's share of `watch`: open and align, IDLE, fetch what is new. */
import { debuglog } from 'node:util';
import type { MailSession } from './client.ts';
import { ENVELOPE_QUERY, type Envelope, toEnvelope } from './envelope.ts';
import { MailError } from './errors.ts';
import { openFolder } from './mailbox.ts';
import { recordUidValidity } from './uid-state.ts';
import type { WatchOptions } from './watcher.ts';

const debug = debuglog('mail-client');

/** Where watching stands, kept across reconnects. */
export interface Cursor {
  uidValidity: bigint | undefined;
  /** Highest UID already reported: each message is printed once, across reconnects too. */
  lastUid: number;
  delivered: number;
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
export async function watchSession(
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
        // Any command ends the IDLE with DONE; the loop issues a new one.
        await session.call('NOOP', () => imap.noop());
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
  const found: Envelope[] = [];
  const range = `${cursor.lastUid + 1}:*`;
  await session.call(`UID FETCH ${range}`, async () => {
    // `N:*` always matches the highest UID even when it is below N (RFC 3501 §6.4.8): filter.
    for await (const message of session.imap.fetch(range, ENVELOPE_QUERY, { uid: true })) {
      if (message.uid > cursor.lastUid)
        found.push(toEnvelope(message, options.folder, cursor.uidValidity!));
    }
  });
  found.sort((a, b) => a.uid - b.uid);
  for (const envelope of found) {
    cursor.lastUid = envelope.uid;
    cursor.delivered += 1;
    options.onMessage(envelope);
    if (options.count !== undefined && cursor.delivered >= options.count) return true;
  }
  return false;
}
