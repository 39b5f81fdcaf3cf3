/** Sitemap discovery: the Sitemap lines of robots.txt, else /sitemap.xml; index files followed. */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '@netlab/cli';
import { getWithCache, type HttpContext } from './cached-get.ts';
import { RETRYABLE } from './errors.ts';
import type { Response } from './fetcher.ts';
import type { HostRegistry, HostState } from './hosts.ts';
import type { CrawlOptions } from './options.ts';
import { RETRY_STATUS } from './retry.ts';
import { parseSitemap } from './sitemap.ts';
import type { CrawlStore } from './store.ts';
import { normalizeUrl } from './url.ts';

/** Sitemap files read per host at most; an index pointing at thousands is cut here. */
const MAX_SITEMAPS = 50;

/**
 * One sitemap, tried again with backoff like a page (1 + --retries tries) while the failure is
 * one worth another try: a 5xx or 429, or the network. The common one is a reused keep-alive
 * connection the server closed while the crawler was busy (parsing 50,000 URLs): the GET
 * never reached it, and RFC 9110 §9.2.2 lets an idempotent request be sent again. Returns
 * undefined when every try failed that way: the file is unreachable for this run.
 */
async function fetchSitemap(
  ctx: HttpContext,
  host: HostState,
  url: string,
  options: CrawlOptions,
): Promise<Response | undefined> {
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      const wait = backoffDelay(attempt - 1, {
        baseMs: options.retryBaseMs,
        capMs: options.retryCapMs,
      });
      await sleep(wait, undefined, { signal: options.signal });
    }
    await host.pace(options.signal);
    let failure: string;
    try {
      const res = await getWithCache(ctx, url, () => true);
      if (!RETRY_STATUS.has(res.status)) return res;
      failure = `HTTP ${res.status}`;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!RETRYABLE.has(code)) throw error;
      failure = (error as Error).message;
    }
    ctx.trace?.(`sitemap ${url}: try ${attempt + 1} failed (${failure})`);
    if (attempt >= options.retries) return undefined;
    ctx.stats.retries++;
  }
}

/**
 * Reads a host's sitemaps (paced like pages) and hands each page URL they list, normalised, to
 * `found` as each file is read: 50 files of 50,000 URLs are never held in memory at once.
 * A sitemap that is missing or does not parse is skipped: sitemaps are hints, the crawl goes
 * on. Returns false when one stayed unreachable after its retries: the next run reads again.
 */
export async function discoverSitemaps(
  ctx: HttpContext,
  host: HostState,
  options: CrawlOptions,
  found: (url: string) => void,
): Promise<boolean> {
  let complete = true;
  const listed = host.robots?.sitemaps ?? [];
  const queue = listed.length > 0 ? [...listed] : [`${host.origin}/sitemap.xml`];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_SITEMAPS) {
    const sitemap = normalizeUrl(queue.shift()!);
    if (sitemap === null || seen.has(sitemap)) continue;
    seen.add(sitemap);
    if (host.robots && !host.robots.isAllowed(sitemap)) continue;
    try {
      const res = await fetchSitemap(ctx, host, sitemap, options);
      if (res === undefined) complete = false;
      if (res === undefined || res.status !== 200 || res.body === null) continue;
      const parsed = parseSitemap(res.body);
      // An index lists at most 50,000 sitemaps, and only MAX_SITEMAPS are read.
      for (const loc of parsed.sitemaps)
        if (seen.size + queue.length < MAX_SITEMAPS) queue.push(loc);
      for (const loc of parsed.urls) {
        const url = normalizeUrl(loc);
        if (url !== null) found(url);
      }
    } catch (error) {
      if ((error as { code?: string }).code === 'ABORT_ERR') throw error;
      ctx.trace?.(`sitemap ${sitemap}: ${(error as Error).message}`);
    }
  }
  return complete;
}

/**
 * Queues the URLs the seeds' sitemaps list (in scope, allowed by robots.txt), once per crawl
 * folder: a marker file records that they were read, so a resumed crawl does not read them again.
 */
export async function seedFromSitemaps(
  ctx: HttpContext,
  hosts: HostRegistry,
  store: CrawlStore,
  scope: (url: string) => boolean,
  options: CrawlOptions,
): Promise<void> {
  const marker = path.join(options.out, 'sitemaps.done');
  if (fs.existsSync(marker)) return;
  let complete = true;
  for (const origin of new Set(options.seeds.map((s) => new URL(s).origin))) {
    const host = await hosts.ready(normalizeUrl(origin)!);
    // Its robots.txt unreachable, a host's sitemaps wait for the next run, like its URLs.
    if (host.robots!.source === 'unreachable') complete = false;
    const read = await discoverSitemaps(ctx, host, options, (url) => {
      if (scope(url) && host.robots!.isAllowed(url)) store.add(url, 0);
      // Appends wait in memory until a flush: write them out as they pile up.
      if (store.buffered > 1 << 20) store.flush();
    });
    // A sitemap unreachable after its retries: no marker, so the next run reads them again
    // (the URLs already queued are seen, and not queued twice).
    if (!read) complete = false;
  }
  store.flush(0);
  if (complete) fs.writeFileSync(marker, '');
}
