/** Sitemap discovery: the Sitemap lines of robots.txt, else /sitemap.xml; index files followed. */
import fs from 'node:fs';
import path from 'node:path';
import { getWithCache, type HttpContext } from './cached-get.ts';
import type { HostRegistry, HostState } from './hosts.ts';
import type { CrawlOptions } from './options.ts';
import { parseSitemap } from './sitemap.ts';
import type { CrawlStore } from './store.ts';
import { normalizeUrl } from './url.ts';

/** Sitemap files read per host at most; an index pointing at thousands is cut here. */
const MAX_SITEMAPS = 50;

/**
 * Reads a host's sitemaps (paced like pages) and hands each page URL they list, normalised, to
 * `found` as each file is read: 50 files of 50,000 URLs are never held in memory at once.
 * A sitemap that fails to load or parse is skipped: sitemaps are hints, the crawl goes on.
 */
export async function discoverSitemaps(
  ctx: HttpContext,
  host: HostState,
  options: CrawlOptions,
  found: (url: string) => void,
): Promise<void> {
  const listed = host.robots?.sitemaps ?? [];
  const queue = listed.length > 0 ? [...listed] : [`${host.origin}/sitemap.xml`];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_SITEMAPS) {
    const sitemap = normalizeUrl(queue.shift()!);
    if (sitemap === null || seen.has(sitemap)) continue;
    seen.add(sitemap);
    if (host.robots && !host.robots.isAllowed(sitemap)) continue;
    try {
      await host.pace(options.signal);
      const res = await getWithCache(ctx, sitemap, () => true);
      if (res.status !== 200 || res.body === null) continue;
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
    await discoverSitemaps(ctx, host, options, (url) => {
      if (scope(url) && host.robots!.isAllowed(url)) store.add(url, 0);
      // Appends wait in memory until a flush: write them out as they pile up.
      if (store.buffered > 1 << 20) store.flush();
    });
  }
  store.flush(0);
  if (complete) fs.writeFileSync(marker, '');
}
