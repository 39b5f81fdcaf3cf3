/** Backoff grows exponentially, stays under the cap, and jitters within its window. */
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    const top = (n: number) => backoffDelay(n, { baseMs: 100, capMs: 1000 }, () => 1);
    expect([0, 1, 2, 3, 4, 5, 50].map(top)).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('jitters between half and all of the window', () => {
    expect(backoffDelay(3, { baseMs: 100 }, () => 0)).toBe(400);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, { baseMs: 100 });
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});
