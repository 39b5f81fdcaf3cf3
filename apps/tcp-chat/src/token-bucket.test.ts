/** Token bucket arithmetic with an injected clock. */
import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now += 100; // 10/s -> one token per 100 ms
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 10_000; // a long quiet spell banks at most `burst`
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
  });

  it('rate 0 means unlimited', () => {
    const bucket = new TokenBucket(0, 0, () => 0);
    for (let i = 0; i < 1000; i++) expect(bucket.take()).toBe(true);
  });
});
