/** Listings shared by list and search: SEARCH for UIDs, newest first, one page of envelopes. */
import { color, createProgress, UsageError } from '@netlab/cli';
import type { SearchObject } from 'imapflow';
import type { MailSession } from './client.ts';
import type { Envelope } from './envelope.ts';
import { toMailError } from './errors.ts';
import { examine, fetchEnvelopes, searchUids } from './fetch-envelopes.ts';
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

/** Parses a YYYY-MM-DD day for --since/--before (IMAP SEARCH compares dates, not times). */
export function parseDay(option: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!)) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== text)
    throw new UsageError(`${option} takes a day as YYYY-MM-DD, not '${text}'`);
  return date;
}

/**
 * Lists one page of a folder's messages matching `criteria`, newest (highest UID) first. The
 * folder is opened read-only (EXAMINE) and headers are fetched with BODY.PEEK, so no flag changes.
 * It runs on the session's lean connection (see `src/fetch-envelopes.ts` for why).
 * @throws {MailError} ERR_UNKNOWN_FOLDER, ERR_CONNECT, ERR_CONNECTION_LOST, ERR_SERVER, ...
 */
export async function listEnvelopes(
  session: MailSession,
  folder: string,
  criteria: SearchObject,
  paging: { limit: number; page: number },
  onProgress?: (done: number, total: number) => void,
): Promise<Listing> {
  try {
    const wire = await session.wire();
    const mailbox = await examine(wire, folder, session.imapLabel);
    recordUidValidity(session.account, folder, mailbox.uidValidity);
    const uids = mailbox.exists === 0 ? [] : await searchUids(wire, criteria);
    uids.sort((a, b) => b - a);
    const start = (paging.page - 1) * paging.limit;
    const pageUids = uids.slice(start, start + paging.limit);
    const messages = pageUids.length
      ? await fetchEnvelopes(
          wire,
          toSequenceSet(pageUids),
          pageUids,
          folder,
          mailbox.uidValidity,
          onProgress,
        )
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

/**
 * A progress display for big pages (1,000 envelopes and more), only when stderr is a terminal:
 * scripts reading --json get no extra lines.
 */
export function listingProgress(
  limit: number,
): ((done: number, total: number) => void) & { done(): void } {
  const progress =
    process.stderr.isTTY && limit >= 1000 ? createProgress({ label: 'envelopes' }) : undefined;
  return Object.assign((done: number, total: number) => progress?.update(done, total), {
    done: () => progress?.done(),
  });
}

/** Text rendering: a header line, then `UID  DATE  FROM  SUBJECT` with unseen mail in bold. */
export function renderListing(listing: Listing): string {
  const head = `${listing.folder}: ${listing.total} message${listing.total === 1 ? '' : 's'}, page ${listing.page}/${listing.pages} (UIDVALIDITY ${listing.uidValidity})`;
  const width = Math.max(3, ...listing.messages.map((m) => String(m.uid).length));
  const lines = listing.messages.map((m) => renderEnvelopeLine(m, width));
  return [color.dim(head), ...lines].join('\n');
}

/** One envelope as a line: `UID * DATE  FROM  SUBJECT` (`*` and bold when unseen). */
export function renderEnvelopeLine(m: Envelope, width = 3): string {
  const mark = m.seen ? ' ' : '*';
  const date = m.date ? m.date.slice(0, 16).replace('T', ' ') : '????-??-?? ??:??';
  const from = clip(m.from[0] ? m.from[0].name || m.from[0].address : '', 24);
  const line = `${String(m.uid).padStart(width)} ${mark} ${date}  ${from}  ${m.subject || '(no subject)'}`;
  return m.seen ? line : color.bold(line);
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}
