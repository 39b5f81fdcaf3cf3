/** backoffDelay grows exponentially, stays under the cap, and jitters within the upper half of its window. */
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles the window per attempt from the base and stops at the cap', () => {
    const top = (n: number) => backoffDelay(n, { baseMs: 100, capMs: 1000 }, () => 1);
    expect([0, 1, 2, 3, 4, 5, 50, 2000].map(top)).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000, 1000,
    ]);
  });

  it('keeps half the window fixed and draws the other half', () => {
    const window = { baseMs: 100, capMs: 10_000 };
    expect(backoffDelay(0, window, () => 0)).toBe(50);
    expect(backoffDelay(3, window, () => 0.5)).toBe(600);
    expect(backoffDelay(20, window, () => 0)).toBe(5000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, window);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
      expect(Number.isInteger(d)).toBe(true);
    }
  });
});
