/** What a finished URL leaves behind: its row, its new links, its counters, its journal line. */
import { decodeHtml } from './charset.ts';
import { CrawlError } from './errors.ts';
import type { Extracted, Extractor } from './extract.ts';
import type { CrawlOptions } from './options.ts';
import type { Row } from './output.ts';
import type { Outcome } from './page.ts';
import { bump, type Summary } from './stats.ts';
import type { CrawlStore, FrontierEntry } from './store.ts';
import { normalizeUrl } from './url.ts';

export interface Recorder {
  /** A fetched page: extract, queue its links, write its row, commit. */
  page(entry: FrontierEntry, outcome: Extract<Outcome, { kind: 'page' }>): void;
  /** Anything else that is final (failure, skip, retries used up): count it and commit. */
  settle(entry: FrontierEntry, outcome: Exclude<Outcome, { kind: 'page' }>): void;
}

export function createRecorder(
  store: CrawlStore,
  stats: Summary,
  options: CrawlOptions,
  scope: (url: string) => boolean,
  extract: Extractor,
  format: (row: Row) => string,
): Recorder {
  return {
    page(entry, { res, url, via }) {
      if (via.length > 0) {
        // Another page queued the target meanwhile: that entry writes the row.
        if (store.seen.has(url)) return store.commit(entry.id, null, 'redirect-seen');
        // The target is now seen, so a later link to it is not fetched again (after a resume too).
        store.addFinished(url, entry.depth, 'redirect-target');
      }
      let extracted: Extracted;
      try {
        extracted = extract(decodeHtml(res.body!, res.contentType).text);
      } catch (error) {
        // A page the parser will not take (ERR_HTML_TOO_DEEP) is that page's failure,
        // journaled like any other, not the crawl's.
        const code = error instanceof CrawlError ? error.code : 'ERR_EXTRACT';
        options.trace?.(`! ${code} ${url}: ${(error as Error).message}`);
        bump(stats.errors, code);
        return store.commit(entry.id, null, code);
      }
      stats.pages++;
      stats.bytes += res.body!.length;
      bump(stats.statuses, res.status);
      if (entry.depth < options.depth) {
        // Relative links resolve against <base href> if the page has one, else against the URL
        // that served the page: after a redirect, the target, not the URL that was queued.
        const base = extracted.base ? (normalizeUrl(extracted.base, url) ?? url) : url;
        for (const href of extracted.links) {
          const link = normalizeUrl(href, base);
          // add() drops a URL already seen; a new one goes to the frontier file, not to memory.
          if (link !== null && scope(link)) store.add(link, entry.depth + 1);
        }
      }
      const row = format({ url, status: res.status, depth: entry.depth, fields: extracted.fields });
      store.commit(entry.id, row, String(res.status));
    },
    settle(entry, outcome) {
      if (outcome.kind !== 'retry' && outcome.status !== undefined)
        bump(stats.statuses, outcome.status);
      if (outcome.code === 'robots') stats.robotsExcluded++;
      else if (outcome.code === 'content-type') stats.skippedType++;
      else if (outcome.kind !== 'skip') bump(stats.errors, outcome.code);
      store.commit(entry.id, null, outcome.code);
    },
  };
}
