/** How listings reach the terminal: --since/--before days, a progress display, and the text rendering. */
import { color, createProgress, UsageError } from '@netlab/cli';
import type { Envelope } from './envelope.ts';
import type { Listing } from './listing.ts';

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
