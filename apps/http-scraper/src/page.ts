/** Fetching one page: the cache (conditional GET, --offline), redirects, and what to do next. */
import { type CacheEntry, conditionalHeaders, type HttpCache } from './cache.ts';
import { CrawlError, RETRYABLE } from './errors.ts';
import type { Accept, BodyLimit, Fetcher, Response } from './fetcher.ts';
import { parseRetryAfter, RETRY_STATUS } from './retry.ts';
import type { Summary } from './stats.ts';
import { MAX_URL_LENGTH, normalizeUrl } from './url.ts';

export interface HttpContext {
  fetcher: Fetcher;
  cache: HttpCache | undefined;
  offline: boolean;
  stats: Summary;
  trace: ((line: string) => void) | undefined;
  /** Told when a request to the network has ended, answered or not (for per-host gaps). */
  onSettled?: (url: string) => void;
}

const isRedirect = (status: number): boolean => [301, 302, 303, 307, 308].includes(status);

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

/** What became of one attempt at a URL. */
export type Outcome =
  | { kind: 'page'; res: Response; url: string; via: string[] }
  | { kind: 'retry'; code: string; retryAfterMs: number | undefined }
  | { kind: 'fail'; code: string; status?: number }
  | { kind: 'skip'; code: string; status?: number };

export interface Hop {
  /** Scope, robots and dedupe checks for a redirect target; a string is the reason to stop. */
  check(target: string): string | null;
  /** Waits for the target host's politeness slot. */
  pace(target: string): Promise<void>;
}

/** Fetches a URL, following redirects up to `maxRedirects`, and classifies the result. */
export async function fetchPage(
  ctx: HttpContext,
  url: string,
  accept: Accept,
  maxRedirects: number,
  hop: Hop,
): Promise<Outcome> {
  const via: string[] = [];
  let current = url;
  for (;;) {
    let res: Response;
    try {
      res = await getWithCache(ctx, current, accept);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ERR_NETWORK';
      ctx.trace?.(`! ${code} ${current}`);
      if (RETRYABLE.has(code)) return { kind: 'retry', code, retryAfterMs: undefined };
      return { kind: 'fail', code };
    }
    const location = res.headers.location;
    if (isRedirect(res.status) && typeof location === 'string') {
      ctx.stats.redirects++;
      const target = normalizeUrl(location, current);
      if (target === null) {
        const code = location.length > MAX_URL_LENGTH ? 'ERR_URL_TOO_LONG' : 'ERR_BAD_URL';
        return { kind: 'fail', code, status: res.status };
      }
      via.push(current);
      if (via.includes(target))
        return { kind: 'fail', code: 'ERR_REDIRECT_LOOP', status: res.status };
      if (via.length > maxRedirects)
        return { kind: 'fail', code: 'ERR_TOO_MANY_REDIRECTS', status: res.status };
      const stop = hop.check(target);
      if (stop) return { kind: 'skip', code: stop, status: res.status };
      await hop.pace(target);
      current = target;
      continue;
    }
    if (RETRY_STATUS.has(res.status)) {
      return {
        kind: 'retry',
        code: `HTTP_${res.status}`,
        retryAfterMs: parseRetryAfter(res.headers['retry-after']),
      };
    }
    if (res.status >= 400) return { kind: 'fail', code: `HTTP_${res.status}`, status: res.status };
    if (res.skippedType !== undefined)
      return { kind: 'skip', code: 'content-type', status: res.status };
    if (res.body === null) return { kind: 'skip', code: `no-body`, status: res.status };
    return { kind: 'page', res, url: current, via };
  }
}
