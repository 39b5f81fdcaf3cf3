/** mail flag / mail unflag: add or remove a flag (\Seen, \Flagged, ... or a keyword) by UID. */
import { UsageError } from '@netlab/cli';
import { type Command, optString, type RunContext } from '../command.ts';
import { openMessage, parseUid } from '../mailbox.ts';
import { UID_HELP, UID_OPTIONS } from './read.ts';

// RFC 3501 §2.3.2 system flags by their friendly names; anything else must be a keyword atom.
const SYSTEM_FLAGS: Record<string, string> = {
  seen: '\\Seen',
  flagged: '\\Flagged',
  answered: '\\Answered',
  draft: '\\Draft',
  deleted: '\\Deleted',
};

/** `seen` -> `\Seen`; `\Flagged` as is; `$Important` as is; rejects what is not an atom. */
export function parseFlag(text: string | undefined): string {
  if (!text)
    throw new UsageError('missing FLAG (seen, flagged, answered, draft, deleted or a keyword)');
  const system = SYSTEM_FLAGS[text.toLowerCase().replace(/^\\/, '')];
  if (system) return system;
  // atom-char excludes ( ) { SP CTL % * " \ ] (RFC 3501 §9).
  if (!/^\$?[A-Za-z0-9_.\-+:]+$/.test(text) || text.length > 100)
    throw new UsageError(
      `'${text}' is not a flag name (try seen, flagged or a keyword like $Important)`,
    );
  return text;
}

function flagCommand(name: 'flag' | 'unflag'): Command {
  const adding = name === 'flag';
  return {
    name,
    summary: adding
      ? 'Add a flag to a message (seen, flagged, answered, draft, deleted, or a keyword).'
      : 'Remove a flag from a message.',
    usage: `${name} UID FLAG [--folder F] [--uidvalidity V]`,
    details: UID_HELP,
    example: `-- ${name} 42 flagged`,
    options: UID_OPTIONS,
    async run({ values, positionals, session, out }: RunContext) {
      if (positionals.length !== 2) throw new UsageError(`${name} takes UID and FLAG (try --help)`);
      const uid = parseUid(positionals[0]);
      const flag = parseFlag(positionals[1]);
      const folder = optString(values, 'folder') ?? 'INBOX';
      await openMessage(
        session,
        folder,
        uid,
        {},
        { uidValidity: optString(values, 'uidvalidity') },
      );
      await session.call(`UID STORE ${uid} ${adding ? '+' : '-'}FLAGS`, () =>
        adding
          ? session.imap.messageFlagsAdd(String(uid), [flag], { uid: true })
          : session.imap.messageFlagsRemove(String(uid), [flag], { uid: true }),
      );
      const after = await session.call(`UID FETCH ${uid} FLAGS`, () =>
        session.imap.fetchOne(String(uid), { uid: true, flags: true }, { uid: true }),
      );
      const { flagList } = await import('../envelope.ts');
      const flags = after ? flagList(after.flags) : [];
      const result = { folder, uid, flags };
      out.result(result, () => `${folder} UID ${uid}: ${flags.join(' ') || '(no flags)'}`);
      return 0;
    },
  };
}

export const flag = flagCommand('flag');
export const unflag = flagCommand('unflag');
