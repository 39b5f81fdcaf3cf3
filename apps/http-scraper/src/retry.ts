/** Retry timing: exponential backoff with jitter (@netlab/cli's backoffDelay), and the server's Retry-After. */
import { backoffDelay } from '@netlab/cli';

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

const NONE: readonly never[] = [];

/** A URL waiting out its backoff. */
interface Waiting<T> {
  item: T;
  at: number;
}

/**
 * The attempts made at each URL and the ones waiting out a backoff. Bounded by the crawl's
 * concurrency: only a URL that was in flight can be waiting here.
 */
export class RetryQueue<T extends { id: number }> {
  readonly #waiting: Waiting<T>[] = [];
  readonly #attempts = new Map<number, number>();

  constructor(
    readonly retries: number,
    readonly baseMs: number,
    readonly capMs: number,
  ) {}

  /**
   * Schedules another attempt after `base × 2^attempt` with "equal jitter" (half fixed, half
   * random, so retries spread out instead of stampeding back together), or `retryAfterMs`
   * when longer; returns false when the attempts are used up.
   */
  schedule(item: T, now: number, retryAfterMs = 0): boolean {
    const attempt = this.#attempts.get(item.id) ?? 0;
    if (attempt >= this.retries) return false;
    this.#attempts.set(item.id, attempt + 1);
    const window = { baseMs: this.baseMs, capMs: this.capMs };
    const wait = Math.max(backoffDelay(attempt, window), retryAfterMs);
    this.#waiting.push({ item, at: now + wait });
    return true;
  }

  /** Forgets a URL's attempts once it is finished. */
  settle(item: T): void {
    this.#attempts.delete(item.id);
  }

  /**
   * Takes the items whose wait is over, in the order they were scheduled.
   * @returns them and the time the next one is due (undefined when none waits).
   */
  due(now: number): { ready: readonly T[]; nextAt: number | undefined } {
    // Called on every scheduler wake-up; nearly always nothing waits.
    if (this.#waiting.length === 0) return { ready: NONE, nextAt: undefined };
    const ready: T[] = [];
    let nextAt: number | undefined;
    for (let i = 0; i < this.#waiting.length; i++) {
      const { item, at } = this.#waiting[i]!;
      if (at > now) {
        nextAt = Math.min(nextAt ?? at, at);
        continue;
      }
      this.#waiting.splice(i--, 1);
      ready.push(item);
    }
    return { ready, nextAt };
  }
}
