/** mail list: a folder's envelopes, newest first, one page at a time; never marks anything read. */
import { parseInteger } from '@netlab/cli';
import type { SearchObject } from 'imapflow';
import { type Command, optString, type RunContext } from '../command.ts';

export const list: Command = {
  name: 'list',
  summary:
    'List envelopes in a folder, newest first (fetched with BODY.PEEK: nothing is marked read).',
  usage: 'list [--folder F] [--unseen] [--since YYYY-MM-DD] [--limit N] [--page P]',
  details: [
    '  -f, --folder F      folder to list (default INBOX)',
    '      --unseen        only messages without \\Seen',
    '      --since DAY     only messages received on or after DAY (YYYY-MM-DD)',
    '  -n, --limit N       messages per page (default 20)',
    '  -p, --page P        page number, 1 = newest (default 1)',
  ],
  example: '-- list --folder INBOX --unseen --limit 10',
  listingOnly: true,
  options: {
    folder: { type: 'string', short: 'f' },
    unseen: { type: 'boolean' },
    since: { type: 'string' },
    limit: { type: 'string', short: 'n' },
    page: { type: 'string', short: 'p' },
  },
  async run({ values, session, out }) {
    const { parseDay } = await import('../listing-output.ts');
    const criteria: SearchObject = {};
    if (values.unseen) criteria.seen = false;
    const since = parseDay('--since', optString(values, 'since'));
    if (since) criteria.since = since;
    return printListing({ values, session, out }, criteria);
  },
};

/**
 * Lists one page of the envelopes matching `criteria` in `--folder` and prints it; `list` and
 * `search` differ only in the criteria they build.
 */
export async function printListing(
  { values, session, out }: Pick<RunContext, 'values' | 'session' | 'out'>,
  criteria: SearchObject,
): Promise<number> {
  const limit = parseInteger('--limit', optString(values, 'limit') ?? '20', {
    min: 1,
    max: 100_000,
  });
  const page = parseInteger('--page', optString(values, 'page') ?? '1', { min: 1 });
  const { listEnvelopes } = await import('../listing.ts');
  const { listingProgress, renderListing } = await import('../listing-output.ts');
  const progress = listingProgress(limit);
  const folder = optString(values, 'folder') ?? 'INBOX';
  const listing = await listEnvelopes(session, folder, criteria, { limit, page }, progress);
  progress.done();
  out.result(listing, () => renderListing(listing));
  return 0;
}
