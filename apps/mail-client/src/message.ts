/** Reading a message: fetch its source by UID and parse it (text, HTML rendered to text, attachments). */
import { convert } from 'html-to-text';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import type { MailSession } from './client.ts';
import { type Address, flagList } from './envelope.ts';
import { toMailError } from './errors.ts';
import { openMessage } from './mailbox.ts';

export interface AttachmentInfo {
  index: number;
  filename: string;
  contentType: string;
  size: number;
}

export interface ReadMessage {
  folder: string;
  uid: number;
  uidValidity: string;
  messageId: string | null;
  date: string | null;
  from: Address[];
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  subject: string;
  inReplyTo: string | null;
  references: string[];
  flags: string[];
  text: string;
  /** True when the message had no text/plain part and `text` was rendered from its HTML. */
  renderedFromHtml: boolean;
  attachments: AttachmentInfo[];
}

export interface FetchedMessage {
  info: ReadMessage;
  parsed: ParsedMail;
}

function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list
    .flatMap((f) => f.value)
    .flatMap((a) => (a.group ? a.group : [a]))
    .map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
}

/**
 * Fetches a message by UID (BODY.PEEK[], so fetching alone never sets \Seen) and parses it.
 * @throws {MailError} ERR_UNKNOWN_FOLDER, ERR_UIDVALIDITY_CHANGED, ERR_UNKNOWN_UID.
 */
export async function fetchMessage(
  session: MailSession,
  folder: string,
  uid: number,
  uidValidity?: string,
): Promise<FetchedMessage> {
  const { mailbox, message } = await openMessage(
    session,
    folder,
    uid,
    { source: true, flags: true },
    uidValidity ? { uidValidity } : {},
  );
  let parsed: ParsedMail;
  try {
    // The HTML -> text rendering is done below, so it is visible and configurable here.
    parsed = await simpleParser(message.source ?? Buffer.alloc(0), {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
    } as object);
  } catch (error) {
    throw toMailError(error, session.imapLabel);
  }
  const renderedFromHtml = !parsed.text && typeof parsed.html === 'string';
  const text = renderedFromHtml
    ? convert(parsed.html as string, {
        wordwrap: 78,
        selectors: [{ selector: 'img', format: 'skip' }],
      })
    : (parsed.text ?? '');
  const references =
    typeof parsed.references === 'string' ? [parsed.references] : (parsed.references ?? []);
  const info: ReadMessage = {
    folder,
    uid,
    uidValidity: String(mailbox.uidValidity),
    messageId: parsed.messageId ?? null,
    date: parsed.date ? parsed.date.toISOString() : null,
    from: addresses(parsed.from),
    replyTo: addresses(parsed.replyTo),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject ?? '',
    inReplyTo: parsed.inReplyTo ?? null,
    references,
    flags: flagList(message.flags),
    text,
    renderedFromHtml,
    attachments: parsed.attachments.map((a, index) => ({
      index: index + 1,
      filename: a.filename ?? `part-${index + 1}`,
      contentType: a.contentType,
      size: a.size ?? a.content.length,
    })),
  };
  return { info, parsed };
}
