/** Sending: build the MIME message once, submit it over SMTP, append the same bytes to Sent. */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { userPath } from '@netlab/cli';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { MailSession } from './client.ts';
import { MailError } from './errors.ts';
import { checkHeaderValue } from './header-safety.ts';

export interface Attachment {
  filename: string;
  content: Buffer;
  contentType?: string;
}

export interface Draft {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  attachments: Attachment[];
  inReplyTo?: string;
  references?: string[];
}

export interface SendResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** Where the copy went, and its UID there when the server says (UIDPLUS). */
  sentFolder: string;
  sentUid: number | null;
}

/**
 * Reads `--attach` files (paths as the user typed them, resolved from where they ran the
 * command); a missing or unreadable file is an ERR_FILE, naming its full path, before anything
 * is sent.
 */
export async function readAttachments(typed: string[]): Promise<Attachment[]> {
  return Promise.all(
    typed.map(async (path) => {
      path = userPath(path);
      // The file name becomes a header parameter (Content-Disposition: filename=...).
      const filename = checkHeaderValue('--attach', basename(path));
      try {
        return { filename, content: await readFile(path) };
      } catch (error) {
        throw new MailError('ERR_FILE', `cannot attach ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }),
  );
}

/** Finds a special-use folder (RFC 6154): the configured name, else the server's flag, else `fallback`. */
export async function findSpecialFolder(
  session: MailSession,
  use: '\\Sent' | '\\Trash',
  configured: string | undefined,
  fallback: string,
): Promise<string> {
  if (configured) return configured;
  const folders = await session.call('LIST', () => session.imap.list());
  return folders.find((f) => f.specialUse === use)?.path ?? fallback;
}

/**
 * Sends a draft from the session's account. The message is compiled once and built twice from the
 * same MIME tree: without Bcc for the wire, with Bcc for the Sent copy (RFC 5322 §3.6.3).
 * @throws {MailError} ERR_SEND_REJECTED, ERR_AUTH_FAILED, ERR_TLS_VERIFY, ... from SMTP.
 */
export async function sendDraft(session: MailSession, draft: Draft): Promise<SendResult> {
  const { account } = session;
  const domain = account.email.split('@')[1] ?? 'netlab.invalid';
  const messageId = `<${randomUUID()}@${domain}>`;
  const mime = new MailComposer({
    from: { name: account.displayName ?? '', address: account.email },
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc,
    subject: draft.subject,
    text: draft.text,
    attachments: draft.attachments,
    messageId,
    date: new Date(),
    ...(draft.inReplyTo ? { inReplyTo: draft.inReplyTo } : {}),
    ...(draft.references?.length ? { references: draft.references } : {}),
  }).compile();
  const wire = await mime.build();
  mime.keepBcc = true;
  const copy = await mime.build();
  const recipients = addressparser([...draft.to, ...draft.cc, ...draft.bcc].join(', '), {
    flatten: true,
  });
  const envelope = {
    from: account.email,
    to: recipients.map((r) => r.address ?? '').filter(Boolean),
  };
  const info = await session.submit(envelope, wire);
  const sentFolder = await findSpecialFolder(session, '\\Sent', account.sentFolder, 'Sent');
  let sentUid: number | null = null;
  try {
    const appended = await session.call(`APPEND ${sentFolder}`, () =>
      session.imap.append(sentFolder, copy, ['\\Seen']),
    );
    sentUid = appended && typeof appended.uid === 'number' ? appended.uid : null;
  } catch (error) {
    const mapped = error as MailError;
    throw new MailError(
      mapped.code,
      `message ${messageId} was sent, but saving a copy to '${sentFolder}' failed: ${mapped.message}`,
      { cause: error },
    );
  }
  return {
    messageId,
    accepted: (info.accepted ?? []).map(String),
    rejected: (info.rejected ?? []).map(String),
    sentFolder,
    sentUid,
  };
}
