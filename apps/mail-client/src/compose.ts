/** Replies and forwards: subjects, recipients, threading headers and quoting (pure functions). */
import type { Address } from './envelope.ts';
import { formatAddress } from './envelope.ts';
import type { ReadMessage } from './message.ts';

/** `Re: ` once: an existing Re:/RE:/Aw: prefix is kept, not stacked. */
export function replySubject(subject: string): string {
  return /^\s*(re|aw|sv)\s*:/i.test(subject) ? subject : `Re: ${subject}`;
}

/** `Fwd: ` once. */
export function forwardSubject(subject: string): string {
  return /^\s*(fwd?|wg)\s*:/i.test(subject) ? subject : `Fwd: ${subject}`;
}

/**
 * Who a reply goes to (RFC 5322 §3.6.3): Reply-To if present, else From. With `all`, the
 * original To and Cc join as Cc; the replier's own address and duplicates are dropped.
 */
export function replyRecipients(
  original: ReadMessage,
  self: string,
  all: boolean,
): { to: Address[]; cc: Address[] } {
  const seen = new Set([self.toLowerCase()]);
  const keep = (list: Address[]) =>
    list.filter((a) => {
      const key = a.address.toLowerCase();
      if (!key || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  let to = keep(original.replyTo.length ? original.replyTo : original.from);
  // Replying to one's own message (from Sent) goes back to its recipients, as mail clients do.
  if (to.length === 0) to = keep(original.to);
  const cc = all ? keep([...original.to, ...original.cc]) : [];
  return { to, cc };
}

/**
 * In-Reply-To and References (RFC 5322 §3.6.4): In-Reply-To is the parent's Message-ID;
 * References is the parent's References (or, lacking it, its In-Reply-To) plus the parent's
 * Message-ID. A forward is not a reply, so it carries References only.
 */
export function threadHeaders(original: ReadMessage): { inReplyTo?: string; references: string[] } {
  const parentRefs = original.references.length
    ? original.references
    : original.inReplyTo
      ? [original.inReplyTo]
      : [];
  if (!original.messageId) return { references: parentRefs };
  return { inReplyTo: original.messageId, references: [...parentRefs, original.messageId] };
}

/** The attribution line and the original text with each line prefixed by `>` (RFC 3676 §4.5). */
export function quoteBody(original: ReadMessage, reply: string): string {
  const who = original.from[0] ? formatAddress(original.from[0]) : 'someone';
  const when = original.date ? new Date(original.date).toUTCString() : 'an unknown date';
  const quoted = original.text
    .replace(/\r\n/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line.startsWith('>') ? `>${line}` : line ? `> ${line}` : '>'))
    .join('\n');
  return `${reply.replace(/\n*$/, '')}\n\nOn ${when}, ${who} wrote:\n${quoted}\n`;
}

/** The body of an inline forward: a note, then the original's headers and text. */
export function forwardBody(original: ReadMessage, note: string): string {
  const list = (items: Address[]) => items.map(formatAddress).join(', ');
  const lines = [
    '---------- Forwarded message ----------',
    `From: ${list(original.from)}`,
    `Date: ${original.date ? new Date(original.date).toUTCString() : ''}`,
    `Subject: ${original.subject}`,
    `To: ${list(original.to)}`,
    ...(original.cc.length ? [`Cc: ${list(original.cc)}`] : []),
    '',
    original.text.replace(/\r\n/g, '\n').replace(/\n*$/, ''),
  ];
  return `${note ? `${note.replace(/\n*$/, '')}\n\n` : ''}${lines.join('\n')}\n`;
}
