/** Envelopes: the summary 'list' prints, parsed from BODY.PEEK[HEADER.FIELDS (...)] and FLAGS. */
import type { FetchMessageObject, FetchQueryObject } from 'imapflow';
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';
import { stripControls } from './header-safety.ts';

export interface Address {
  name: string;
  address: string;
}

export interface Envelope {
  folder: string;
  uid: number;
  /** Together with `uid`, the only stable name of a message (RFC 3501 §2.3.1.1). */
  uidValidity: string;
  date: string | null;
  from: Address[];
  to: Address[];
  cc: Address[];
  subject: string;
  messageId: string | null;
  flags: string[];
  seen: boolean;
  size: number;
}

/** The header fields an envelope needs; fetched with BODY.PEEK so \Seen is never set. */
export const ENVELOPE_FIELDS = ['date', 'from', 'to', 'cc', 'subject', 'message-id'];

/** The FETCH items for a listing: UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (...)]. */
export const ENVELOPE_QUERY: FetchQueryObject = {
  uid: true,
  flags: true,
  size: true,
  headers: ENVELOPE_FIELDS,
};

/** Splits a header block into lower-cased name -> unfolded raw value (first occurrence wins). */
export function parseHeaderBlock(block: Buffer | string): Map<string, string> {
  const text = typeof block === 'string' ? block : block.toString('utf8');
  const fields = new Map<string, string>();
  // RFC 5322 §2.2.3: a line starting with white space continues the previous field.
  for (const line of text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** RFC 2047 decoding, skipped for the common case of a value without any encoded-word. */
function decodeWords(value: string): string {
  return stripControls(value.includes('=?') ? libmime.decodeWords(value) : value);
}

/** Parses an address field (groups flattened), decoding encoded-word display names. */
export function parseAddresses(value: string | undefined): Address[] {
  if (!value) return [];
  return addressparser(value, { flatten: true }).map((a) => ({
    name: decodeWords(a.name ?? ''),
    address: stripControls(a.address ?? ''),
  }));
}

/** The FETCH items an envelope is made of. */
export interface EnvelopeItems {
  uid: number;
  flags?: Iterable<string>;
  size?: number;
  headers?: Buffer;
}

/** Builds an envelope from one FETCH response of {@link ENVELOPE_QUERY}. */
export function toEnvelope(
  message: Pick<FetchMessageObject, 'uid' | 'flags' | 'size' | 'headers'> | EnvelopeItems,
  folder: string,
  uidValidity: bigint,
): Envelope {
  const fields = parseHeaderBlock(message.headers ?? '');
  const date = fields.get('date');
  const parsed = date ? new Date(date) : undefined;
  const flags = flagList(message.flags);
  return {
    folder,
    uid: message.uid,
    uidValidity: String(uidValidity),
    date: parsed && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : null,
    from: parseAddresses(fields.get('from')),
    to: parseAddresses(fields.get('to')),
    cc: parseAddresses(fields.get('cc')),
    subject: decodeWords(fields.get('subject') ?? ''),
    messageId: stripControls(fields.get('message-id') ?? '') || null,
    flags,
    seen: flags.includes('\\Seen'),
    size: message.size ?? 0,
  };
}

/**
 * A message's flags, sorted, without \Recent: that one is per-session, says nothing stable about
 * the message, and IMAP4rev2 (RFC 9051) dropped it.
 */
export function flagList(flags: Iterable<string> | undefined): string[] {
  return [...(flags ?? [])].filter((f) => f !== '\\Recent').sort();
}

/** `Name <addr>` or just `addr`, for text output and for the headers of a reply. */
export function formatAddress(a: Address): string {
  if (!a.name) return a.address;
  // RFC 5322 §3.2.3: a name holding specials (a comma above all) is quoted, or it would split
  // into two addresses when the header is read back (or when a reply goes to it).
  const name = /[()<>[\]:;@\\,."]/.test(a.name)
    ? `"${a.name.replace(/["\\]/g, (c) => `\\${c}`)}"`
    : a.name;
  return `${name} <${a.address}>`;
}
