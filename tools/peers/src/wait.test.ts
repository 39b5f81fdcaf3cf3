/** waitUntil: true once the condition holds, false (after one last check) when it never does. */
import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait.ts';

describe('waitUntil', () => {
  it('resolves true once the condition holds', async () => {
    let calls = 0;
    expect(await waitUntil(() => ++calls >= 3, 5_000, 1)).toBe(true);
    expect(calls).toBe(3);
  });

  it('resolves false when the condition never holds, having checked it after the limit', async () => {
    let calls = 0;
    expect(await waitUntil(() => ++calls < 0, 50, 10)).toBe(false);
    expect(calls).toBeGreaterThan(1);
  });
});
