/** Retry timing: exponential backoff with jitter, and the server's Retry-After. */

/** Statuses worth another try: the server is busy or failed, the request itself was fine. */
export const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Parses Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns milliseconds
 * from `now`, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * "Equal jitter" backoff: half of `base * 2^attempt` (capped) is fixed, half random, so
 * retries spread out instead of stampeding back together. `attempt` counts from 0.
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}
