/** mail search: from/to/subject/body/since/before/unseen mapped onto IMAP SEARCH. */
import { UsageError } from '@netlab/cli';
import type { SearchObject } from 'imapflow';
import { type Command, optString } from '../command.ts';
import { printListing } from './list.ts';

export const search: Command = {
  name: 'search',
  summary: 'Search a folder on the server (IMAP SEARCH; criteria combine with AND), newest first.',
  usage:
    'search [--folder F] [--from S] [--to S] [--subject S] [--body S] [--since DAY] [--before DAY] [--unseen]',
  details: [
    '  -f, --folder F      folder to search (default INBOX)',
    '      --from S        FROM contains S        --to S       TO contains S',
    '      --subject S     SUBJECT contains S     --body S     BODY contains S',
    '      --since DAY     received on/after DAY  --before DAY received before DAY (YYYY-MM-DD)',
    '      --unseen        without \\Seen',
    '  -n, --limit N       results per page (default 20)   -p, --page P  page (default 1)',
  ],
  example: '-- search --from alice --subject invoice --since 2026-01-01',
  listingOnly: true,
  options: {
    folder: { type: 'string', short: 'f' },
    from: { type: 'string' },
    to: { type: 'string' },
    subject: { type: 'string' },
    body: { type: 'string' },
    since: { type: 'string' },
    before: { type: 'string' },
    unseen: { type: 'boolean' },
    limit: { type: 'string', short: 'n' },
    page: { type: 'string', short: 'p' },
  },
  async run({ values, session, out }) {
    const { parseDay } = await import('../listing-output.ts');
    const criteria: SearchObject = {};
    for (const key of ['from', 'to', 'subject', 'body'] as const) {
      const value = optString(values, key);
      if (value !== undefined) criteria[key] = value;
    }
    const since = parseDay('--since', optString(values, 'since'));
    const before = parseDay('--before', optString(values, 'before'));
    if (since) criteria.since = since;
    if (before) criteria.before = before;
    if (values.unseen) criteria.seen = false;
    if (Object.keys(criteria).length === 0)
      throw new UsageError('search needs at least one criterion (try --help), or use list');
    return printListing({ values, session, out }, criteria);
  },
};
