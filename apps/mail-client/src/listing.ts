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
 * Lists one page of a folder's messages matching `criteria`, newest (highest UID) first: EXAMINE,
 * then FETCH of the newest sequence numbers (no criteria) or UID SEARCH and UID FETCH. EXAMINE opens the folder read-only and headers
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
    const start = (paging.page - 1) * paging.limit;
    let total: number;
    let page: Page | undefined;
    if (Object.keys(criteria).length === 0) {
      // Every message, newest first, needs no SEARCH: EXISTS is the count, and sequence numbers
      // run in UID order (RFC 3501 §2.3.1.2), so a page is a range of them counted down from
      // EXISTS. A sequence number lasts only this session, so each FETCH asks for the UID too:
      // a UID names the same message in the next session and the next `mail read` (as long as
      // UIDVALIDITY holds, RFC 3501 §2.3.1.1), and it is what the listing prints.
      total = mailbox.exists;
      const high = total - start;
      const low = Math.max(1, high - paging.limit + 1);
      const seqs = Array.from({ length: Math.max(0, high - low + 1) }, (_, i) => low + i);
      if (seqs.length) page = { set: `${low}:${high}`, uid: false, wanted: new Set(seqs) };
    } else {
      const found =
        mailbox.exists === 0
          ? []
          : await session.call('UID SEARCH', () => session.imap.search(criteria, { uid: true }));
      // imapflow's search resolves with false when the server answers NO or BAD.
      if (!found) throw new MailError('ERR_SERVER', `${session.imapLabel}: UID SEARCH failed`);
      // SEARCH answers in no promised order (RFC 3501 §7.2.5): sort, highest UID (newest) first.
      found.sort((a, b) => b - a);
      total = found.length;
      const uids = found.slice(start, start + paging.limit);
      // `1:3,7` rather than `1,2,3,7`: one command line for any page; servers bound line length
      // (RFC 7162 §4 suggests clients keep lines under 8,192 octets).
      if (uids.length) page = { set: toSequenceSet(uids), uid: true, wanted: new Set(uids) };
    }
    const messages = page
      ? await fetchEnvelopes(session, folder, page, mailbox.uidValidity, onProgress)
      : [];
    messages.sort((a, b) => b.uid - a.uid);
    return {
      folder,
      uidValidity: String(mailbox.uidValidity),
      total,
      page: paging.page,
      pages: Math.max(1, Math.ceil(total / paging.limit)),
      messages,
    };
  } catch (error) {
    throw toMailError(error, session.imapLabel);
  }
}

/** One page to fetch: UIDs (from SEARCH) or sequence numbers (the newest), as a set and listed. */
interface Page {
  set: string;
  uid: boolean;
  wanted: Set<number>;
}

/** (UID) FETCH of the envelope items of a page, one envelope built as each response streams in. */
async function fetchEnvelopes(
  session: MailSession,
  folder: string,
  { set, uid, wanted }: Page,
  uidValidity: bigint,
  onProgress?: (done: number, total: number) => void,
): Promise<Envelope[]> {
  const byUid = new Map<number, Envelope>();
  const name = `${uid ? 'UID ' : ''}FETCH ${set.length > 40 ? `${set.slice(0, 39)}…` : set}`;
  await session.call(name, async () => {
    // imapflow hands over one FETCH response at a time and reads the next only when the loop
    // asks: a server cannot make it queue responses faster than they are used.
    for await (const message of session.imap.fetch(set, ENVELOPE_QUERY, { uid })) {
      // A server may add FETCH responses nobody asked for (RFC 3501 §7.4.2: a flag change made
      // by another session). Only the messages asked for are kept, so what it adds cannot grow
      // the listing; a flag update of a kept one is applied.
      if (!wanted.has(uid ? message.uid : message.seq)) continue;
      if (message.headers === undefined) {
        const known = byUid.get(message.uid);
        if (known && message.flags) {
          known.flags = flagList(message.flags);
          known.seen = known.flags.includes('\\Seen');
        }
        continue;
      }
      byUid.set(message.uid, toEnvelope(message, folder, uidValidity));
      if (byUid.size % 100 === 0) onProgress?.(byUid.size, wanted.size);
    }
  });
  return [...byUid.values()];
}
