/** Listings shared by list and search: SEARCH for UIDs, newest first, one page of envelopes. */
import type { SearchObject } from 'imapflow';
import type { MailSession } from './client.ts';
import { ENVELOPE_QUERY, type Envelope, flagList, toEnvelope } from './envelope.ts';
import { MailError, toMailError } from './errors.ts';
import { openFolder } from './mailbox.ts';
import { recordUidValidity } from './uid-state.ts';

export interface Listing {
  folder: string;
  uidValidity: string;
  /** Messages matching, over all pages. */
  total: number;
  page: number;
  pages: number;
  messages: Envelope[];
}

/** Compresses sorted UIDs into an IMAP sequence set: [1,2,3,7] -> "1:3,7". */
export function toSequenceSet(uids: number[]): string {
  const sorted = [...uids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(start === sorted[i] ? String(start) : `${start}:${sorted[i]}`);
  }
  return parts.join(',');
}

/**
 * Lists one page of a folder's messages matching `criteria`, newest (highest UID) first, in three
 * IMAP commands: EXAMINE, UID SEARCH, UID FETCH. EXAMINE opens the folder read-only and headers
 * come with BODY.PEEK, so no flag changes (RFC 3501 §6.3.2, §6.4.5).
 * @throws {MailError} ERR_UNKNOWN_FOLDER, ERR_TOO_LARGE, ERR_TIMEOUT, ERR_CONNECTION_LOST, ...
 */
export async function listEnvelopes(
  session: MailSession,
  folder: string,
  criteria: SearchObject,
  paging: { limit: number; page: number },
  onProgress?: (done: number, total: number) => void,
): Promise<Listing> {
  try {
    // EXAMINE, not SELECT: the server opens the folder read-only, so even a FETCH that would set
    // \Seen cannot; its answer carries EXISTS (how many messages) and UIDVALIDITY.
    const mailbox = await openFolder(session, folder, true);
    recordUidValidity(session.account, folder, mailbox.uidValidity);
    // UIDs, not sequence numbers: a UID names the same message in the next command, the next
    // session and the next `mail read` (as long as UIDVALIDITY holds, RFC 3501 §2.3.1.1).
    const query = Object.keys(criteria).length ? criteria : { all: true };
    const found =
      mailbox.exists === 0
        ? []
        : await session.call('UID SEARCH', () => session.imap.search(query, { uid: true }));
    // imapflow's search resolves with false when the server answers NO or BAD.
    if (!found) throw new MailError('ERR_SERVER', `${session.imapLabel}: UID SEARCH failed`);
    const uids = found;
    // SEARCH answers in no promised order (RFC 3501 §7.2.5): sort, highest UID (newest) first.
    uids.sort((a, b) => b - a);
    const start = (paging.page - 1) * paging.limit;
    const pageUids = uids.slice(start, start + paging.limit);
    const messages = pageUids.length
      ? await fetchEnvelopes(session, folder, pageUids, mailbox.uidValidity, onProgress)
      : [];
    messages.sort((a, b) => b.uid - a.uid);
    return {
      folder,
      uidValidity: String(mailbox.uidValidity),
      total: uids.length,
      page: paging.page,
      pages: Math.max(1, Math.ceil(uids.length / paging.limit)),
      messages,
    };
  } catch (error) {
    throw toMailError(error, session.imapLabel);
  }
}

/** UID FETCH of the envelope items of `uids`, one envelope built as each response streams in. */
async function fetchEnvelopes(
  session: MailSession,
  folder: string,
  uids: number[],
  uidValidity: bigint,
  onProgress?: (done: number, total: number) => void,
): Promise<Envelope[]> {
  const wanted = new Set(uids);
  const byUid = new Map<number, Envelope>();
  // `1:3,7` rather than `1,2,3,7`: one command line for any page; servers bound line length
  // (RFC 7162 §4 suggests clients keep lines under 8,192 octets).
  const set = toSequenceSet(uids);
  await session.call(`UID FETCH ${set.length > 40 ? `${set.slice(0, 39)}…` : set}`, async () => {
    // imapflow hands over one FETCH response at a time and reads the next only when the loop
    // asks: a server cannot make it queue responses faster than they are used.
    for await (const message of session.imap.fetch(set, ENVELOPE_QUERY, { uid: true })) {
      // A server may add FETCH responses nobody asked for (RFC 3501 §7.4.2: a flag change made
      // by another session). Only the UIDs asked for are kept, so what it adds cannot grow the
      // listing; a flag update of a kept one is applied.
      if (!wanted.has(message.uid)) continue;
      if (message.headers === undefined) {
        const known = byUid.get(message.uid);
        if (known && message.flags) {
          known.flags = flagList(message.flags);
          known.seen = known.flags.includes('\\Seen');
        }
        continue;
      }
      byUid.set(message.uid, toEnvelope(message, folder, uidValidity));
      if (byUid.size % 100 === 0) onProgress?.(byUid.size, uids.length);
    }
  });
  return [...byUid.values()];
}
