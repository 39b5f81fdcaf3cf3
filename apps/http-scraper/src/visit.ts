/** One turn of one URL: fetch it (redirects checked hop by hop), then retry it or record it. */

import type { HttpContext } from './cached-get.ts';
import type { Accept } from './fetcher.ts';
import type { HostRegistry } from './hosts.ts';
import type { CrawlOptions } from './options.ts';
import { fetchPage, type Outcome } from './page.ts';
import type { Recorder } from './results.ts';
import type { RetryQueue } from './retry.ts';
import type { CrawlStore, FrontierEntry } from './store.ts';

export interface VisitParts {
  ctx: HttpContext;
  hosts: HostRegistry;
  store: CrawlStore;
  scope: (url: string) => boolean;
  accept: Accept;
  retries: RetryQueue<FrontierEntry>;
  record: Recorder;
  options: CrawlOptions;
}

/** Returns the function the scheduler calls for each URL whose host slot it has claimed. */
export function createVisitor(parts: VisitParts): (entry: FrontierEntry) => Promise<void> {
  const { ctx, hosts, store, scope, retries, record, options } = parts;

  // A redirect target is checked like a link: scope, seen already, robots.txt.
  const check = (target: string): string | null => {
    if (!scope(target)) return 'redirect-out-of-scope';
    if (store.seen.has(target)) return 'redirect-seen';
    const host = hosts.get(target);
    if (host?.robots && !host.robots.isAllowed(target)) return 'robots';
    return null;
  };
  const pace = async (target: string): Promise<void> =>
    (await hosts.ready(target)).pace(options.signal);

  /** Schedules another attempt; false when the attempts or the patience are used up. */
  const retry = (entry: FrontierEntry, wait: number | undefined): boolean => {
    if (wait !== undefined && wait > options.maxRetryAfterMs) return false;
    const now = performance.now();
    if (!retries.schedule(entry, now, wait)) return false;
    ctx.stats.retries++;
    // Retry-After speaks for the whole host (RFC 9110 §10.2.3): nobody else asks before then.
    if (wait !== undefined) {
      const host = hosts.of(entry.url);
      host.nextAt = Math.max(host.nextAt, now + wait);
    }
    return true;
  };

  return async (entry) => {
    const outcome = await fetchPage(ctx, entry.url, parts.accept, options.maxRedirects, {
      check,
      pace,
    }).catch(
      // Whatever one URL's fetch throws is that URL's failure, journaled with its code: one bad
      // server (a reset, garbage for headers) never stops the crawl.
      (error): Outcome => ({
        kind: 'fail',
        code: (error as { code?: string }).code ?? 'ERR_NETWORK',
      }),
    );
    if (outcome.kind === 'retry' && retry(entry, outcome.retryAfterMs)) return;
    retries.settle(entry);
    if (outcome.kind === 'page') record.page(entry, outcome);
    else record.settle(entry, outcome);
  };
}
