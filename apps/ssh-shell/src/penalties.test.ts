/** Per-source penalties: IPv6 counted by /64, doubling delays, the budget, bounded memory. */
import { describe, expect, it } from 'vitest';
import { SourcePenalties, sourceKey } from './penalties.ts';

describe('sourceKey', () => {
  it('counts IPv4 by address and IPv6 by /64', () => {
    expect(sourceKey('192.0.2.7')).toBe('192.0.2.7');
    expect(sourceKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('2001:db8:0:0:ffff:1:2:3')).toBe(sourceKey('2001:db8::1'));
    expect(sourceKey('2001:db8:0:1::1')).not.toBe(sourceKey('2001:db8::1'));
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('SourcePenalties', () => {
  it('doubles the delay per failure, refuses past the budget, forgets after the penalty', () => {
    const p = new SourcePenalties({ budget: 4, penaltyMs: 1000, delayMs: 100, maxDelayMs: 500 });
    const t = 1_000_000;
    expect([1, 2, 3].map((i) => p.failure('a', t + i).delayMs)).toEqual([100, 200, 400]);
    expect(p.admit('a', t + 10)).toBeUndefined();
    expect(p.failure('a', t + 20)).toMatchObject({ failures: 4, delayMs: 500, penalised: true });
    expect(p.admit('a', t + 30)).toMatchObject({ waitMs: 990, count: 1 });
    expect(p.admit('a', t + 40)).toMatchObject({ count: 2 });
    expect(p.admit('b', t + 40)).toBeUndefined();
    expect(p.admit('a', t + 1020)).toBeUndefined();
    p.success('a');
    expect(p.failure('a', t + 2000).failures).toBe(1);
  });

  it('remembers at most maxSources sources', () => {
    const p = new SourcePenalties({ maxSources: 100 });
    for (let i = 0; i < 10_000; i++) p.failure(`10.0.${i >> 8}.${i & 255}`);
    expect(p.size).toBe(100);
  });
});
