/** Reading a message: fetch its source by UID and parse it (text, HTML rendered to text, attachments). */
import { convert } from 'html-to-text';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import type { MailSession } from './client.ts';
import { type Address, flagList } from './envelope.ts';
import { MailError } from './errors.ts';
import { safeMessageId, stripControls } from './header-safety.ts';
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
    .map((a) => ({ name: stripControls(a.name ?? ''), address: stripControls(a.address ?? '') }));
}

// mailparser's bounds (its splitter's defaults, set here so the errors can name them): the
// header block of one MIME part, and the number of parts in one message.
const MAX_HEAD_BYTES = 1024 * 1024;
const MAX_PARTS = 1000;

/**
 * Parses a message's source with mailparser.
 * @throws {MailError} ERR_MESSAGE_TOO_LARGE past one of mailparser's bounds, naming it;
 * ERR_MESSAGE_UNPARSABLE when mailparser fails otherwise.
 */
export async function parseMessage(source: Buffer, what: string): Promise<ParsedMail> {
  try {
    // The HTML -> text rendering is done in fetchMessage, so it is visible and configurable there.
    return await simpleParser(source, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      maxHeadSize: MAX_HEAD_BYTES,
      maxChildNodes: MAX_PARTS,
    } as object);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === 'EMAXLEN') {
      const limit = /child nodes/i.test(e.message ?? '')
        ? `more than ${MAX_PARTS} MIME parts`
        : `a MIME part's header block over ${MAX_HEAD_BYTES / 1024 / 1024} MiB`;
      throw new MailError('ERR_MESSAGE_TOO_LARGE', `${what}: ${limit}, past the parser's limit`, {
        cause: error,
      });
    }
    throw new MailError('ERR_MESSAGE_UNPARSABLE', `${what}: cannot parse it: ${e.message}`, {
      cause: error,
    });
  }
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
  const parsed = await parseMessage(message.source ?? Buffer.alloc(0), `${folder} UID ${uid}`);
  const renderedFromHtml = !parsed.text && typeof parsed.html === 'string';
  const text = renderedFromHtml
    ? convert(parsed.html as string, {
        wordwrap: 78,
        selectors: [{ selector: 'img', format: 'skip' }],
      })
    : (parsed.text ?? '');
  // Message-IDs go back out in a reply's In-Reply-To and References: only well-formed ones do.
  const references = (
    typeof parsed.references === 'string' ? [parsed.references] : (parsed.references ?? [])
  ).flatMap((id) => safeMessageId(id) ?? []);
  const info: ReadMessage = {
    folder,
    uid,
    uidValidity: String(mailbox.uidValidity),
    messageId: safeMessageId(parsed.messageId),
    date: parsed.date ? parsed.date.toISOString() : null,
    from: addresses(parsed.from),
    replyTo: addresses(parsed.replyTo),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: stripControls(parsed.subject ?? ''),
    inReplyTo: safeMessageId(parsed.inReplyTo),
    references,
    flags: flagList(message.flags),
    text,
    renderedFromHtml,
    attachments: parsed.attachments.map((a, index) => ({
      index: index + 1,
      filename: stripControls(a.filename ?? `part-${index + 1}`),
      contentType: a.contentType,
      size: a.size ?? a.content.length,
    })),
  };
  return { info, parsed };
}
