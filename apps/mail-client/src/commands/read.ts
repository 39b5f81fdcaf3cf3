/** mail read / mail attachments: show a message (marking it \Seen), save its attachments. */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { bytes, color, UsageError, userPath } from '@netlab/cli';
import { type Command, optString } from '../command.ts';
import { MailError } from '../errors.ts';
import { parseUid } from '../mailbox.ts';
import type { ReadMessage } from '../message.ts';

export const UID_OPTIONS = {
  folder: { type: 'string', short: 'f' },
  uidvalidity: { type: 'string' },
} as const;

export const UID_HELP = [
  "  -f, --folder F      the message's folder (default INBOX)",
  '      --uidvalidity V refuse unless the folder still has this UIDVALIDITY (as list --json prints)',
];

async function renderer(): Promise<(m: ReadMessage) => string> {
  const { formatAddress } = await import('../envelope.ts');
  return (m) => renderMessage(m, formatAddress);
}

function renderMessage(
  m: ReadMessage,
  formatAddress: (a: ReadMessage['from'][number]) => string,
): string {
  const head = (name: string, value: string) =>
    value ? [`${color.bold(`${name}:`)} ${value}`] : [];
  return [
    ...head('From', m.from.map(formatAddress).join(', ')),
    ...head('To', m.to.map(formatAddress).join(', ')),
    ...head('Cc', m.cc.map(formatAddress).join(', ')),
    ...head('Date', m.date ?? ''),
    ...head('Subject', m.subject),
    ...m.attachments.map(
      (a) =>
        `${color.bold('Attachment:')} ${a.index}. ${a.filename} (${a.contentType}, ${bytes(a.size)})`,
    ),
    '',
    m.renderedFromHtml ? `${color.dim('[rendered from HTML]')}\n${m.text}` : m.text,
  ].join('\n');
}

export const read: Command = {
  name: 'read',
  summary:
    'Show a message: headers, text (HTML rendered to text if there is no text part), attachments. Marks it \\Seen.',
  usage: 'read UID [--folder F] [--uidvalidity V]',
  details: UID_HELP,
  example: '-- read 42 --folder INBOX',
  options: UID_OPTIONS,
  async run({ values, positionals, session, out }) {
    if (positionals.length !== 1) throw new UsageError('read takes one UID (try --help)');
    const uid = parseUid(positionals[0]);
    const folder = optString(values, 'folder') ?? 'INBOX';
    const { fetchMessage } = await import('../message.ts');
    const render = await renderer();
    const { info } = await fetchMessage(session, folder, uid, optString(values, 'uidvalidity'));
    await session.call(`UID STORE ${uid} +FLAGS`, () =>
      session.imap.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true }),
    );
    if (!info.flags.includes('\\Seen')) info.flags = [...info.flags, '\\Seen'].sort();
    out.result(info, () => render(info));
    return 0;
  },
};

/** A file name that stays inside the target folder: no path parts, no leading dots. */
export function safeFilename(name: string, index: number): string {
  const printable = [...name.replaceAll('\\', '/')]
    .map((c) => (c.charCodeAt(0) < 0x20 ? '_' : c))
    .join('');
  const base = basename(printable).replace(/^\.+/, '');
  return base || `attachment-${index}`;
}

export const attachments: Command = {
  name: 'attachments',
  summary: "Save a message's attachments into a folder (byte-exact; never overwrites).",
  usage: 'attachments UID --dir D [--folder F] [--uidvalidity V]',
  details: ['  -d, --dir D         where to save (created if missing)', ...UID_HELP],
  example: '-- attachments 42 --dir ./downloads',
  options: { ...UID_OPTIONS, dir: { type: 'string', short: 'd' } },
  async run({ values, positionals, session, out }) {
    if (positionals.length !== 1) throw new UsageError('attachments takes one UID (try --help)');
    const typed = optString(values, 'dir');
    if (!typed) throw new UsageError('attachments needs --dir D');
    const dir = userPath(typed);
    const uid = parseUid(positionals[0]);
    const { fetchMessage } = await import('../message.ts');
    const { parsed } = await fetchMessage(
      session,
      optString(values, 'folder') ?? 'INBOX',
      uid,
      optString(values, 'uidvalidity'),
    );
    const saved: { filename: string; path: string; size: number }[] = [];
    try {
      await mkdir(dir, { recursive: true });
      for (const [i, a] of parsed.attachments.entries()) {
        const filename = safeFilename(a.filename ?? '', i + 1);
        const path = join(dir, filename);
        // flag 'wx': fail instead of overwriting an existing file.
        await writeFile(path, a.content, { flag: 'wx' });
        saved.push({ filename, path, size: a.content.length });
      }
    } catch (error) {
      throw new MailError(
        'ERR_FILE',
        `cannot save attachment into ${dir}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    out.result(saved, () =>
      saved.length ? saved.map((s) => `${s.path} (${bytes(s.size)})`).join('\n') : 'no attachments',
    );
    return 0;
  },
};
