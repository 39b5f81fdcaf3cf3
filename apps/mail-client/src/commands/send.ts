/** mail send: compose a message (body from a flag, a file or stdin), submit it, keep a copy in Sent. */
import { readFile } from 'node:fs/promises';
import { text as readStream } from 'node:stream/consumers';
import { UsageError, userPath } from '@netlab/cli';
import { type Command, optList, optString, type Values } from '../command.ts';
import { MailError } from '../errors.ts';
import { checkHeaderValue } from '../header-safety.ts';
import type { SendResult } from '../outgoing.ts';

/** The body: --body, --body-file, or stdin when it is not a terminal. */
export async function readBody(
  values: Values,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<string> {
  const body = optString(values, 'body');
  const typed = optString(values, 'body-file');
  const file = typed === undefined ? undefined : userPath(typed);
  if (body !== undefined && file !== undefined)
    throw new UsageError('give --body or --body-file, not both');
  if (body !== undefined) return body;
  if (file !== undefined) {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new MailError(
        'ERR_FILE',
        `cannot read --body-file ${file}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  if (stdin.isTTY)
    throw new UsageError('no body: give --body TEXT, --body-file FILE, or pipe it on stdin');
  return readStream(stdin);
}

/** `--to`/`--cc`/`--bcc` values, each refused if it holds a control character (a CR LF above all). */
export function optAddresses(values: Values, name: string): string[] {
  return optList(values, name).map((value) => checkHeaderValue(`--${name}`, value));
}

export const BODY_OPTIONS = {
  body: { type: 'string' },
  'body-file': { type: 'string' },
  attach: { type: 'string', multiple: true },
} as const;

export function renderSent(result: SendResult): string {
  const copy = result.sentUid ? `${result.sentFolder} UID ${result.sentUid}` : result.sentFolder;
  const rejected = result.rejected.length ? ` (rejected: ${result.rejected.join(', ')})` : '';
  return `sent ${result.messageId} to ${result.accepted.join(', ')}${rejected}; copy in ${copy}`;
}

export const send: Command = {
  name: 'send',
  summary: 'Send a message over SMTP (STARTTLS or implicit TLS, AUTH) and append a copy to Sent.',
  usage:
    'send --to ADDR [--cc ADDR] [--bcc ADDR] --subject S (--body TEXT | --body-file F | <stdin) [--attach FILE]...',
  details: [
    '      --to/--cc/--bcc ADDR  recipients; repeat the flag or separate with commas',
    '  -s, --subject S           subject (UTF-8 is fine)',
    '      --body TEXT           body text; or --body-file FILE; or pipe the body on stdin',
    '      --attach FILE         attach a file (repeatable)',
  ],
  example: '-- send --to bob@netlab.test --subject "Hi" --body "Hello Bob" --attach ./notes.pdf',
  options: {
    to: { type: 'string', multiple: true },
    cc: { type: 'string', multiple: true },
    bcc: { type: 'string', multiple: true },
    subject: { type: 'string', short: 's' },
    ...BODY_OPTIONS,
  },
  async run({ values, session, out }) {
    const to = optAddresses(values, 'to');
    const cc = optAddresses(values, 'cc');
    const bcc = optAddresses(values, 'bcc');
    if (to.length + cc.length + bcc.length === 0)
      throw new UsageError('send needs a recipient: --to ADDR');
    const subject = optString(values, 'subject');
    if (subject === undefined)
      throw new UsageError('send needs --subject (an empty one is --subject "")');
    checkHeaderValue('--subject', subject);
    const { readAttachments, sendDraft } = await import('../outgoing.ts');
    const attachments = await readAttachments(optList(values, 'attach'));
    const text = await readBody(values);
    const result = await sendDraft(session, { to, cc, bcc, subject, text, attachments });
    out.result(result, () => renderSent(result));
    return 0;
  },
};
