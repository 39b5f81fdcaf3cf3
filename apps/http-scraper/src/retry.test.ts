/** Retry-After parsing and backoff bounds. */
import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from './retry.ts';

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('Tue, 01 Oct 2024 00:00:00 GMT');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 01 Oct 2024 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Mon, 30 Sep 2024 00:00:00 GMT', now)).toBe(0);
    for (const bad of [undefined, '', 'soon', ['1']])
      expect(parseRetryAfter(bad, now)).toBeUndefined();
  });

  it('doubles the ceiling per attempt, keeps half of it fixed, and caps it', () => {
    expect(backoffMs(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 10_000, () => 0.5)).toBe(600);
    expect(backoffMs(20, 100, 10_000, () => 1)).toBe(10_000);
  });
});
