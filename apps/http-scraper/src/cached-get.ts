/** The cache layer in front of the network: conditional GETs answered by 304, and --offline replay. */
import { type CacheEntry, conditionalHeaders, type HttpCache } from './cache.ts';
import { CrawlError } from './errors.ts';
import type { Accept, BodyLimit, Fetcher, Response } from './fetcher.ts';
import type { Summary } from './stats.ts';

export interface HttpContext {
  fetcher: Fetcher;
  cache: HttpCache | undefined;
  offline: boolean;
  stats: Summary;
  trace: ((line: string) => void) | undefined;
  /** Told when a request to the network has ended, answered or not (for per-host gaps). */
  onSettled?: (url: string) => void;
}

/** The redirect statuses of RFC 9110 §15.4 that carry a Location to follow. */
export const isRedirect = (status: number): boolean => [301, 302, 303, 307, 308].includes(status);

function fromEntry(entry: CacheEntry): Response {
  const { meta, body } = entry;
  return {
    url: meta.url,
    status: meta.status,
    headers: meta.location ? { location: meta.location } : {},
    contentType: meta.contentType,
    body: isRedirect(meta.status) ? null : body,
  };
}

/** A GET through the cache: a conditional request when a validator is cached, none offline. */
export async function getWithCache(
  ctx: HttpContext,
  url: string,
  accept: Accept,
  limit?: BodyLimit,
): Promise<Response> {
  const entry = ctx.cache?.get(url);
  if (ctx.offline) {
    if (!entry) throw new CrawlError('ERR_OFFLINE_MISS', `${url} is not in the cache`);
    ctx.stats.offline++;
    ctx.trace?.(`cache ${entry.meta.status} ${url}`);
    return fromEntry(entry);
  }
  const started = performance.now();
  ctx.trace?.(`> GET ${url}${entry ? ' (conditional)' : ''}`);
  ctx.stats.requests++;
  let res: Response;
  try {
    res = await ctx.fetcher.get(url, accept, conditionalHeaders(entry), limit);
  } finally {
    ctx.onSettled?.(url);
  }
  ctx.trace?.(
    `< ${res.status} ${url} ${res.body?.length ?? 0} B ${(performance.now() - started).toFixed(0)} ms`,
  );
  if (res.status === 304 && entry) {
    ctx.stats.notModified++;
    return fromEntry(entry);
  }
  if (ctx.cache && ((res.status === 200 && res.body) || isRedirect(res.status))) {
    const header = (name: string): string | undefined => {
      const value = res.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const etag = header('etag');
    const lastModified = header('last-modified');
    const location = header('location');
    ctx.cache.put(
      {
        url,
        status: res.status,
        contentType: res.contentType,
        ...(etag ? { etag } : {}),
        ...(lastModified ? { lastModified } : {}),
        ...(location ? { location } : {}),
      },
      res.body,
    );
  }
  return res;
}
