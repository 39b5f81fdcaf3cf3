/** mail reply / mail forward: answer or pass on a message with correct threading and quoting. */
import { UsageError } from '@netlab/cli';
import type { MailSession } from '../client.ts';
import { type Command, optList, optString } from '../command.ts';
import { stripControls } from '../header-safety.ts';
import { parseUid } from '../mailbox.ts';
import type { Attachment } from '../outgoing.ts';
import { UID_HELP, UID_OPTIONS } from './read.ts';
import { optAddresses, readBody, renderSent } from './send.ts';

/** mailparser, nodemailer and libmime load when a reply or forward runs, not for --help. */
async function load() {
  const [compose, envelope, message, outgoing] = await Promise.all([
    import('../compose.ts'),
    import('../envelope.ts'),
    import('../message.ts'),
    import('../outgoing.ts'),
  ]);
  return {
    compose,
    formatAddress: envelope.formatAddress,
    fetchMessage: message.fetchMessage,
    readAttachments: outgoing.readAttachments,
    sendDraft: outgoing.sendDraft,
  };
}

const BODY_HELP = [
  '      --body TEXT         your text (or --body-file FILE, or stdin)',
  '      --attach FILE       attach a file (repeatable)',
];

/** Marks the original (\Answered for a reply, $Forwarded for a forward); a failure here is not fatal. */
async function markOriginal(session: MailSession, uid: number, flag: string): Promise<boolean> {
  try {
    return await session.call(`UID STORE ${uid} +FLAGS`, () =>
      session.imap.messageFlagsAdd(String(uid), [flag], { uid: true }),
    );
  } catch {
    return false;
  }
}

export const reply: Command = {
  name: 'reply',
  summary:
    'Reply to a message (Re: subject, In-Reply-To/References, quoted text); --all keeps To/Cc.',
  usage: 'reply UID [--all] [--folder F] (--body TEXT | --body-file F | <stdin) [--attach FILE]...',
  details: [
    '      --all               reply to the sender and every other recipient',
    ...BODY_HELP,
    ...UID_HELP,
  ],
  example: '-- reply 42 --all --body "Sounds good."',
  options: {
    ...UID_OPTIONS,
    all: { type: 'boolean' },
    body: { type: 'string' },
    'body-file': { type: 'string' },
    attach: { type: 'string', multiple: true },
  },
  async run({ values, positionals, session, out }) {
    if (positionals.length !== 1) throw new UsageError('reply takes one UID (try --help)');
    const uid = parseUid(positionals[0]);
    const { fetchMessage, readAttachments, sendDraft, formatAddress, compose } = await load();
    const { quoteBody, replyRecipients, replySubject, threadHeaders } = compose;
    const { info } = await fetchMessage(
      session,
      optString(values, 'folder') ?? 'INBOX',
      uid,
      optString(values, 'uidvalidity'),
    );
    const { to, cc } = replyRecipients(info, session.account.email, Boolean(values.all));
    if (to.length === 0) throw new UsageError(`message ${uid} has no address to reply to`);
    const attachments = await readAttachments(optList(values, 'attach'));
    const text = quoteBody(info, await readBody(values));
    const thread = threadHeaders(info);
    const result = await sendDraft(session, {
      to: to.map(formatAddress),
      cc: cc.map(formatAddress),
      bcc: [],
      subject: replySubject(info.subject),
      text,
      attachments,
      ...thread,
    });
    await markOriginal(session, uid, '\\Answered');
    out.result(result, () => renderSent(result));
    return 0;
  },
};

export const forward: Command = {
  name: 'forward',
  summary:
    'Forward a message inline (Fwd: subject, References, original headers, its attachments).',
  usage:
    'forward UID --to ADDR [--cc ADDR] [--folder F] [--body TEXT | --body-file F | <stdin] [--attach FILE]...',
  details: ['      --to/--cc ADDR      recipients (repeatable)', ...BODY_HELP, ...UID_HELP],
  example: '-- forward 42 --to carol@netlab.test --body "FYI"',
  options: {
    ...UID_OPTIONS,
    to: { type: 'string', multiple: true },
    cc: { type: 'string', multiple: true },
    body: { type: 'string' },
    'body-file': { type: 'string' },
    attach: { type: 'string', multiple: true },
  },
  async run({ values, positionals, session, out }) {
    if (positionals.length !== 1) throw new UsageError('forward takes one UID (try --help)');
    const to = optAddresses(values, 'to');
    if (to.length === 0) throw new UsageError('forward needs --to ADDR');
    const uid = parseUid(positionals[0]);
    const { fetchMessage, readAttachments, sendDraft, compose } = await load();
    const { forwardBody, forwardSubject, threadHeaders } = compose;
    const { info, parsed } = await fetchMessage(
      session,
      optString(values, 'folder') ?? 'INBOX',
      uid,
      optString(values, 'uidvalidity'),
    );
    // A forward's note is optional: no body flag and a terminal on stdin means "no note".
    const note =
      values.body !== undefined || values['body-file'] !== undefined || !process.stdin.isTTY
        ? await readBody(values)
        : '';
    const carried: Attachment[] = parsed.attachments.map((a, i) => ({
      filename: stripControls(a.filename ?? `attachment-${i + 1}`),
      content: a.content,
      contentType: a.contentType,
    }));
    const { references } = threadHeaders(info);
    const result = await sendDraft(session, {
      to,
      cc: optAddresses(values, 'cc'),
      bcc: [],
      subject: forwardSubject(info.subject),
      text: forwardBody(info, note),
      attachments: [...carried, ...(await readAttachments(optList(values, 'attach')))],
      references,
    });
    await markOriginal(session, uid, '$Forwarded');
    out.result(result, () => renderSent(result));
    return 0;
  },
};
