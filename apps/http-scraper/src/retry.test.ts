/** Retry-After parsing and the queue of URLs waiting to be tried again (backoffDelay's bounds: @netlab/cli). */
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, RetryQueue } from './retry.ts';

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('Tue, 01 Oct 2024 00:00:00 GMT');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 01 Oct 2024 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Mon, 30 Sep 2024 00:00:00 GMT', now)).toBe(0);
    for (const bad of [undefined, '', 'soon', ['1']])
      expect(parseRetryAfter(bad, now)).toBeUndefined();
  });

  it('queues at most `retries` more attempts per URL, each due after its wait', () => {
    const queue = new RetryQueue<{ id: number }>(2, 100, 10_000);
    const a = { id: 1 };
    const b = { id: 2 };
    expect(queue.schedule(a, 0)).toBe(true); // due within 50-100 ms
    expect(queue.schedule(b, 0, 5000)).toBe(true); // Retry-After: 5 s, longer than the backoff
    expect(queue.due(40)).toEqual({ ready: [], nextAt: expect.any(Number) });
    expect(queue.due(100)).toEqual({ ready: [a], nextAt: 5000 });
    expect(queue.schedule(a, 100)).toBe(true); // second retry
    expect(queue.schedule(a, 100)).toBe(false); // attempts used up
    expect(queue.due(5000).ready).toEqual([b, a]); // in the order they were scheduled
    queue.settle(a); // finished: a later failure of the same id starts counting again
    expect(queue.schedule(a, 5000)).toBe(true);
  });
});
