/** The listing's IMAP exchange on a lean connection: EXAMINE, UID SEARCH, UID FETCH of headers. */
import type { SearchObject } from 'imapflow';
import { ENVELOPE_FIELDS, type Envelope, flagList, toEnvelope } from './envelope.ts';
import { MailError } from './errors.ts';
import { encodeMailboxName, imapString, searchArgs } from './imap-args.ts';
import type { ImapWire } from './imap-connection.ts';
import type { ImapResponse, ImapValue } from './imap-response.ts';

// Why not imapflow here: it parses every response into a token tree, compiles it back into a
// string for its logger even with logging off, and hashes an id per message. For a listing of
// 5,000 envelopes that was ~95% of the client's time (see README, Bench). imapflow offers no
// raw command path that skips those steps (its exec() runs every response through the same
// parser and log compiler), so the listing speaks IMAP itself on a second connection.

/** RFC 3501 §6.4.5: BODY.PEEK, unlike BODY, never sets \\Seen. */
const FETCH_ITEMS = `(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (${ENVELOPE_FIELDS.join(' ').toUpperCase()})])`;

export interface ExaminedFolder {
  exists: number;
  uidValidity: bigint;
}

/**
 * EXAMINE: opens the folder read-only (RFC 3501 §6.3.2), so nothing in it can change.
 * @throws {MailError} ERR_UNKNOWN_FOLDER when the server has no such folder.
 */
export async function examine(
  wire: ImapWire,
  folder: string,
  label: string,
): Promise<ExaminedFolder> {
  let exists = 0;
  let uidValidity: bigint | undefined;
  const onUntagged = (r: ImapResponse) => {
    if (r.kind === 'EXISTS' && r.number !== undefined) exists = r.number;
    const match = /^UIDVALIDITY (\d{1,20})$/i.exec(r.code ?? '');
    if (match) uidValidity = BigInt(match[1]!);
  };
  try {
    await wire.command(['EXAMINE ', imapString(encodeMailboxName(folder))], onUntagged);
  } catch (error) {
    const e = error as MailError;
    if (e.code === 'ERR_UNKNOWN_FOLDER' || /nonexist|doesn't exist|not exist/i.test(e.message))
      throw new MailError(
        'ERR_UNKNOWN_FOLDER',
        `no folder '${folder}' on ${label} (see 'mail folders')`,
        { cause: error },
      );
    throw error;
  }
  // RFC 3501 §2.3.1.1: without UIDVALIDITY a UID cannot be trusted, so no listing without it.
  if (uidValidity === undefined)
    throw new MailError('ERR_SERVER', `${label}: EXAMINE ${folder} gave no UIDVALIDITY`);
  return { exists, uidValidity };
}

// A folder holds at most 2^32-1 UIDs, but no real one holds more than a few million messages;
// past this many, SEARCH results (which may come over many `* SEARCH` lines) are refused rather
// than collected without end: 10 million numbers are ~80 MB.
const MAX_SEARCH_UIDS = 10_000_000;

/** UID SEARCH: the UIDs matching `criteria` (an empty object means ALL). */
export async function searchUids(wire: ImapWire, criteria: SearchObject): Promise<number[]> {
  const uids: number[] = [];
  await wire.command(['UID SEARCH ', ...searchArgs(criteria)], (r) => {
    if (r.kind !== 'SEARCH') return;
    if (uids.length + r.values.length > MAX_SEARCH_UIDS)
      throw new MailError('ERR_TOO_LARGE', `SEARCH returned more than ${MAX_SEARCH_UIDS} UIDs`);
    for (const value of r.values) {
      const uid = typeof value === 'string' ? Number(value) : Number.NaN;
      if (!Number.isInteger(uid) || uid < 1)
        throw new MailError(
          'ERR_SERVER',
          `SEARCH returned ${JSON.stringify(String(value))}, not a UID`,
        );
      uids.push(uid);
    }
  });
  return uids;
}

/** UID FETCH of the envelope items for `set` (the sequence set of `uids`), parsed as they stream in. */
export async function fetchEnvelopes(
  wire: ImapWire,
  set: string,
  uids: number[],
  folder: string,
  uidValidity: bigint,
  onProgress?: (done: number, total: number) => void,
): Promise<Envelope[]> {
  const expected = uids.length;
  const wanted = new Set(uids);
  const byUid = new Map<number, Envelope>();
  await wire.command(`UID FETCH ${set} ${FETCH_ITEMS}`, (r) => {
    if (r.kind !== 'FETCH') return;
    const item = fetchItems(r);
    // Unsolicited FETCHes (a flag change made by another session) may lack UID or headers.
    // Only the UIDs asked for are kept: what a server adds cannot grow the listing.
    if (item.uid === undefined || !wanted.has(item.uid)) return;
    if (item.headers === undefined) {
      const known = byUid.get(item.uid);
      if (known && item.flags) {
        known.flags = flagList(item.flags);
        known.seen = known.flags.includes('\\Seen');
      }
      return;
    }
    byUid.set(item.uid, toEnvelope({ ...item, uid: item.uid }, folder, uidValidity));
    if (byUid.size % 100 === 0) onProgress?.(byUid.size, expected);
  });
  return [...byUid.values()];
}

interface FetchItems {
  uid?: number;
  flags?: string[];
  size?: number;
  headers?: Buffer;
}

/** `* n FETCH (UID 7 FLAGS (...) RFC822.SIZE 744 BODY[HEADER.FIELDS (...)] {n})` -> items. */
export function fetchItems(response: ImapResponse): FetchItems {
  const list = response.values[0];
  const bad = (why: string) =>
    new MailError('ERR_SERVER', `malformed FETCH response (${why}): ${response.raw.slice(0, 80)}`);
  if (!Array.isArray(list) || list.length % 2) throw bad('not a list of name/value pairs');
  const items: FetchItems = {};
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i];
    const value: ImapValue | undefined = list[i + 1];
    if (typeof name !== 'string') throw bad('an item name that is not an atom');
    const key = name.toUpperCase();
    if (key === 'UID' || key === 'RFC822.SIZE') {
      const n = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : -1;
      if (n < 0) throw bad(`${key} is not a number`);
      if (key === 'UID') items.uid = n;
      else items.size = n;
    } else if (key === 'FLAGS') {
      if (!Array.isArray(value) || !value.every((f) => typeof f === 'string'))
        throw bad('FLAGS is not a list of flags');
      items.flags = value as string[];
    } else if (key.startsWith('BODY[')) {
      // The header block comes as a literal, a quoted string, or NIL when the server has none.
      if (Buffer.isBuffer(value)) items.headers = value;
      else if (typeof value === 'string' || value === null)
        items.headers = Buffer.from(value ?? '');
      else throw bad('BODY[...] is not a string');
    }
  }
  return items;
}
