/** The seen set of URL hashes. */
import { describe, expect, it } from 'vitest';
import { hashUrl, SeenSet } from './seen.ts';

describe('SeenSet', () => {
  it('adds once, answers has, survives growth past 100,000 entries', () => {
    const seen = new SeenSet();
    let added = 0;
    for (let i = 0; i < 100_000; i++) if (seen.add(`http://h/page/${i}`)) added++;
    expect(added).toBe(100_000);
    let again = 0;
    for (let i = 0; i < 100_000; i += 7) if (seen.add(`http://h/page/${i}`)) again++;
    expect(again).toBe(0);
    expect(seen.size).toBe(100_000);
    expect(seen.has('http://h/page/99999')).toBe(true);
    expect(seen.has('http://h/page/100000')).toBe(false);
  });

  it('hashes to 53-bit non-zero integers without collisions on a large sample', () => {
    const hashes = new Set<number>();
    let bad = 0;
    for (let i = 0; i < 200_000; i++) {
      const h = hashUrl(`https://example.org/item?id=${i}`);
      if (!Number.isSafeInteger(h) || h <= 0) bad++;
      hashes.add(h);
    }
    expect(bad).toBe(0);
    expect(hashes.size).toBe(200_000);
  });
});
