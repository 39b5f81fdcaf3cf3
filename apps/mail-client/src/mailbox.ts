/** Folder and message lookups shared by the commands: open a folder, find a UID, or fail clearly. */
import { UsageError } from '@netlab/cli';
import type { FetchMessageObject, FetchQueryObject, MailboxObject } from 'imapflow';
import type { MailSession } from './client.ts';
import { MailError } from './errors.ts';
import { checkUidValidity } from './uid-state.ts';

/**
 * Opens (SELECTs, or EXAMINEs when read-only) a folder.
 * @throws {MailError} ERR_UNKNOWN_FOLDER when the server has no such folder.
 */
export async function openFolder(
  session: MailSession,
  folder: string,
  readOnly = false,
): Promise<MailboxObject> {
  try {
    return await session.call(`${readOnly ? 'EXAMINE' : 'SELECT'} ${folder}`, () =>
      session.imap.mailboxOpen(folder, { readOnly }),
    );
  } catch (error) {
    const mapped = error as MailError;
    if (
      mapped.code === 'ERR_UNKNOWN_FOLDER' ||
      /nonexist|doesn't exist|not exist/i.test(
        String((mapped.cause as { responseText?: string } | undefined)?.responseText),
      )
    ) {
      throw new MailError(
        'ERR_UNKNOWN_FOLDER',
        `no folder '${folder}' on ${session.imapLabel} (see 'mail folders')`,
        { cause: error },
      );
    }
    throw mapped;
  }
}

/** Parses a UID argument: a whole number from 1 to 2^32-1 (RFC 3501 nz-number). */
export function parseUid(text: string | undefined): number {
  const uid = /^\d{1,10}$/.test(text ?? '') ? Number(text) : 0;
  if (uid < 1 || uid > 0xffff_ffff)
    throw new UsageError(
      `'${text ?? ''}' is not a UID (a whole number from 1, as 'mail list' prints)`,
    );
  return uid;
}

/**
 * Opens a folder for a command that takes a UID, checking UIDVALIDITY first, and fetches the
 * message by UID (never by sequence number).
 * @throws {MailError} ERR_UNKNOWN_FOLDER, ERR_UIDVALIDITY_CHANGED, ERR_UNKNOWN_UID.
 */
export async function openMessage(
  session: MailSession,
  folder: string,
  uid: number,
  query: FetchQueryObject,
  options: { uidValidity?: string; readOnly?: boolean } = {},
): Promise<{ mailbox: MailboxObject; message: FetchMessageObject }> {
  const mailbox = await openFolder(session, folder, options.readOnly ?? false);
  checkUidValidity(session.account, folder, mailbox.uidValidity, options.uidValidity);
  const message: FetchMessageObject | false | undefined = await session.call(
    `UID FETCH ${uid}`,
    () => session.imap.fetchOne(String(uid), { ...query, uid: true }, { uid: true }),
  );
  if (!message || message.uid !== uid) {
    throw new MailError(
      'ERR_UNKNOWN_UID',
      `no message with UID ${uid} in '${folder}' (UIDVALIDITY ${mailbox.uidValidity})`,
    );
  }
  return { mailbox, message };
}
