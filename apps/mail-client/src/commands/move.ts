/** mail move / mail delete: MOVE a message to another folder, or to Trash (--expunge: remove it). */
import { UsageError } from '@netlab/cli';
import type { MailSession } from '../client.ts';
import { type Command, optString } from '../command.ts';
import { MailError } from '../errors.ts';
import { openMessage, parseUid } from '../mailbox.ts';
import { UID_HELP, UID_OPTIONS } from './read.ts';

export interface MoveResult {
  uid: number;
  from: string;
  to: string;
  /** The message's UID in the destination (COPYUID, RFC 4315), when the server reports it. */
  newUid: number | null;
}

/** Moves one message by UID (MOVE, RFC 6851; imapflow falls back to COPY + EXPUNGE). */
async function moveMessage(
  session: MailSession,
  from: string,
  uid: number,
  to: string,
): Promise<MoveResult> {
  const list = await session.call('LIST', () => session.imap.list());
  if (!list.some((f) => f.path === to))
    throw new MailError(
      'ERR_UNKNOWN_FOLDER',
      `no folder '${to}' on ${session.imapLabel} (see 'mail folders')`,
    );
  const moved = await session.call(`UID MOVE ${uid}`, () =>
    session.imap.messageMove(String(uid), to, { uid: true }),
  );
  const newUid = moved ? (moved.uidMap?.get(uid) ?? null) : null;
  return { uid, from, to, newUid };
}

export const move: Command = {
  name: 'move',
  summary: 'Move a message to another folder.',
  usage: 'move UID FOLDER [--folder F] [--uidvalidity V]',
  details: UID_HELP,
  example: '-- move 42 Archive',
  options: UID_OPTIONS,
  async run({ values, positionals, session, out }) {
    if (positionals.length !== 2) throw new UsageError('move takes UID and FOLDER (try --help)');
    const uid = parseUid(positionals[0]);
    const from = optString(values, 'folder') ?? 'INBOX';
    await openMessage(session, from, uid, {}, { uidValidity: optString(values, 'uidvalidity') });
    const result = await moveMessage(session, from, uid, positionals[1]!);
    out.result(
      result,
      () =>
        `moved ${from} UID ${uid} to ${result.to}${result.newUid ? ` (UID ${result.newUid})` : ''}`,
    );
    return 0;
  },
};

export const remove: Command = {
  name: 'delete',
  summary: 'Move a message to Trash; with --expunge (or when already in Trash) remove it for good.',
  usage: 'delete UID [--expunge] [--folder F] [--uidvalidity V]',
  details: [
    '      --expunge           set \\Deleted and UID EXPUNGE just this message',
    ...UID_HELP,
  ],
  example: '-- delete 42',
  options: { ...UID_OPTIONS, expunge: { type: 'boolean' } },
  async run({ values, positionals, session, out }) {
    if (positionals.length !== 1) throw new UsageError('delete takes one UID (try --help)');
    const uid = parseUid(positionals[0]);
    const from = optString(values, 'folder') ?? 'INBOX';
    await openMessage(session, from, uid, {}, { uidValidity: optString(values, 'uidvalidity') });
    const { findSpecialFolder } = await import('../outgoing.ts');
    const trash = await findSpecialFolder(session, '\\Trash', session.account.trashFolder, 'Trash');
    if (values.expunge || from === trash) {
      // imapflow: STORE +FLAGS (\Deleted), then UID EXPUNGE (UIDPLUS) so only this UID goes.
      await session.call(`UID EXPUNGE ${uid}`, () =>
        session.imap.messageDelete(String(uid), { uid: true }),
      );
      const result = { uid, from, to: null, expunged: true };
      out.result(result, () => `expunged ${from} UID ${uid}`);
      return 0;
    }
    const moved = await moveMessage(session, from, uid, trash).catch((error: unknown) => {
      if ((error as MailError).code !== 'ERR_UNKNOWN_FOLDER') throw error;
      throw new MailError(
        'ERR_UNKNOWN_FOLDER',
        `no Trash folder '${trash}': set trash_folder in the account, or delete with --expunge`,
        { cause: error },
      );
    });
    const result = { ...moved, expunged: false };
    out.result(
      result,
      () => `moved ${from} UID ${uid} to ${trash}${result.newUid ? ` (UID ${result.newUid})` : ''}`,
    );
    return 0;
  },
};
