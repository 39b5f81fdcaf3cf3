/** IMAP command arguments: strings, mailbox names (modified UTF-7), dates and SEARCH keys. */
import type { SearchObject } from 'imapflow';

/** A command argument: plain text, or bytes to send as a literal (RFC 3501 §4.3). */
export type CommandPart = string | { literal: Buffer };

/**
 * Encodes `tag parts... CRLF`. Without LITERAL+ (RFC 7888) each literal must wait for the
 * server's `+`, so the command comes out in segments: `first` now, each of `waiting` on a `+`.
 * `text` is the whole command as text, for --trace.
 */
export function encodeCommand(
  tag: string,
  parts: CommandPart | CommandPart[],
  literalPlus: boolean,
): { first: Buffer; waiting: Buffer[]; text: string } {
  const segments: Buffer[][] = [[]];
  let text = `${tag} `;
  for (const part of Array.isArray(parts) ? parts : [parts]) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const size = part.literal.length;
    segments.at(-1)!.push(Buffer.from(`${text}{${size}${literalPlus ? '+' : ''}}\r\n`));
    if (literalPlus) segments.at(-1)!.push(part.literal);
    else segments.push([part.literal]);
    text = '';
  }
  segments.at(-1)!.push(Buffer.from(`${text}\r\n`));
  const [first, ...waiting] = segments.map((s) => Buffer.concat(s));
  return { first: first!, waiting, text: segments.flat().join('') };
}

/** An IMAP string argument: quoted when plain ASCII allows it, else a literal (RFC 3501 §4.3). */
export function imapString(value: string): CommandPart {
  return /^[\x20-\x7e]*$/.test(value)
    ? `"${value.replace(/[\\"]/g, (m) => `\\${m}`)}"`
    : { literal: Buffer.from(value) };
}

/**
 * A mailbox name in modified UTF-7 (RFC 3501 §5.1.3): printable ASCII stays, `&` becomes `&-`,
 * any other run is `&` + base64 of its UTF-16BE with `,` for `/`, no padding, then `-`.
 */
export function encodeMailboxName(name: string): string {
  return name.replace(/&|[^\x20-\x7e]+/g, (run) => {
    if (run === '&') return '&-';
    const utf16 = Buffer.from(run, 'utf16le').swap16();
    return `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3501 date: `1-Feb-2026` (SEARCH compares days, in the server's time zone). */
export function imapDate(date: Date): string {
  return `${date.getUTCDate()}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()}`;
}

/**
 * The SEARCH keys for the criteria list and search accept (ANDed, as IMAP does). Non-ASCII
 * text goes as literals under `CHARSET UTF-8`.
 * @throws {TypeError} for a criterion this listing does not map (a programming error).
 */
export function searchArgs(criteria: SearchObject): CommandPart[] {
  const parts: CommandPart[] = [];
  const add = (...key: CommandPart[]) => parts.push(...(parts.length ? [' '] : []), ...key);
  for (const [key, value] of Object.entries(criteria)) {
    if (value === undefined) continue;
    if (key === 'all' && value === true) add('ALL');
    else if (key === 'seen' && typeof value === 'boolean') add(value ? 'SEEN' : 'UNSEEN');
    else if ((key === 'since' || key === 'before') && value instanceof Date)
      add(`${key.toUpperCase()} ${imapDate(value)}`);
    else if (['from', 'to', 'subject', 'body'].includes(key) && typeof value === 'string')
      add(`${key.toUpperCase()} `, imapString(value));
    else throw new TypeError(`search criterion ${key} is not supported by the listing`);
  }
  if (!parts.length) parts.push('ALL');
  const utf8 = parts.some((p) => typeof p !== 'string');
  return utf8 ? ['CHARSET UTF-8 ', ...parts] : parts;
}
