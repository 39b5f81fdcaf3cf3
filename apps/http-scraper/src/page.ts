/** Fetching one page: redirects followed hop by hop, and what the final status means. */
import { getWithCache, type HttpContext, isRedirect } from './cached-get.ts';
import { RETRYABLE } from './errors.ts';
import type { Accept, Response } from './fetcher.ts';
import { parseRetryAfter, RETRY_STATUS } from './retry.ts';
import { MAX_URL_LENGTH, normalizeUrl } from './url.ts';

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
      // Location may be relative: it resolves against the URL that answered (RFC 9110 §10.2.2).
      // Every hop is a GET, as the first was: 307/308 keep the method, 303 asks for GET.
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
    // 408, 429 and 5xx say "not now": try again later. Any other 4xx is final (RFC 9110 §15.5).
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
