/** Aggregation per interval: totals, rates, gauges, sketch quantiles, sets, expiry. */
import { describe, expect, it } from 'vitest';
import { Aggregator } from './aggregator.ts';

describe('Aggregator', () => {
  it('sums counters scaled by sample rate and keeps lifetime totals', () => {
    const agg = new Aggregator();
    agg.record('hits', '', 'c', 1, 0.1);
    agg.record('hits', '', 'c', 5, 1);
    const first = agg.flush();
    expect(first.counters[0]).toMatchObject({ name: 'hits', value: 15, total: 15 });
    agg.record('hits', '', 'c', 2, 1);
    expect(agg.flush().counters[0]).toMatchObject({ value: 2, total: 17 });
  });

  it('sets and moves gauges, and keeps them across intervals', () => {
    const agg = new Aggregator();
    agg.record('q', '', 'gd', 3, 1);
    agg.record('q', '', 'gd', -1, 1);
    expect(agg.flush().gauges[0]!.value).toBe(2);
    agg.record('q', '', 'g', 10, 1);
    agg.record('q', '', 'gd', 1, 1);
    expect(agg.flush().gauges[0]!.value).toBe(11);
    expect(agg.flush().gauges[0]!.value).toBe(11);
  });

  it('gives timer quantiles within the sketch accuracy and exact count/min/max/mean', () => {
    const agg = new Aggregator();
    for (let i = 1; i <= 1000; i++) agg.record('lat', 'env:a', 'ms', i, 1);
    const t = agg.flush().timers[0]!;
    expect(t).toMatchObject({
      name: 'lat',
      tags: ['env:a'],
      count: 1000,
      min: 1,
      max: 1000,
      mean: 500.5,
    });
    expect(Math.abs(t.p50 - 500) / 500).toBeLessThanOrEqual(0.011);
    expect(Math.abs(t.p90 - 900) / 900).toBeLessThanOrEqual(0.011);
    expect(Math.abs(t.p99 - 990) / 990).toBeLessThanOrEqual(0.011);
  });

  it('uses nearest-rank quantiles, as StatsD does', () => {
    const agg = new Aggregator();
    agg.record('two', '', 'ms', 42, 1);
    agg.record('two', '', 'ms', 57, 1);
    for (let i = 1; i <= 10; i++) agg.record('ten', '', 'ms', i * 100, 1);
    const [two, ten] = agg.flush().timers;
    expect(two).toMatchObject({ p50: 42, p99: 57 });
    // 10 values: p50 is the 5th (500), p90 the 9th (900), each within the sketch's 1 %.
    expect(Math.abs(ten!.p50 - 500) / 500).toBeLessThanOrEqual(0.01);
    expect(Math.abs(ten!.p90 - 900) / 900).toBeLessThanOrEqual(0.01);
    expect(ten!.p99).toBe(1000);
  });

  it('weights sampled timers and handles zero and negative histogram values', () => {
    const agg = new Aggregator();
    agg.record('h', '', 'h', -5, 1);
    agg.record('h', '', 'h', 0, 1);
    agg.record('h', '', 'h', 5, 0.5);
    const t = agg.flush().timers[0]!;
    expect(t).toMatchObject({ count: 4, min: -5, max: 5, totalCount: 4, totalSum: 5 });
  });

  it('counts distinct set members per interval', () => {
    const agg = new Aggregator();
    for (const m of ['a', 'b', 'a', 'c']) agg.record('u', '', 's', m, 1);
    expect(agg.flush().sets[0]!.count).toBe(3);
    expect(agg.flush().sets[0]!.count).toBe(0);
  });

  it('expires idle series after expireAfter intervals', () => {
    const agg = new Aggregator({ expireAfter: 2 });
    agg.record('c', '', 'c', 1, 1);
    expect(agg.flush().counters).toHaveLength(1); // the interval with the sample
    expect(agg.flush().counters).toHaveLength(1); // idle 1
    expect(agg.flush().counters).toHaveLength(1); // idle 2, then forgotten
    expect(agg.flush().counters).toHaveLength(0);
    expect(agg.seriesCount).toBe(0);
  });

  it('refuses new series past maxSeries and counts them', () => {
    const agg = new Aggregator({ limits: { maxSeries: 2 } });
    expect(agg.record('a', '', 'c', 1, 1)).toBe(true);
    expect(agg.record('b', '', 'c', 1, 1)).toBe(true);
    expect(agg.record('c', '', 'c', 1, 1)).toBe('series_limit');
    expect(agg.record('a', '', 'c', 1, 1)).toBe(true);
    expect(agg.refused.series_limit).toBe(1);
  });

  it('refuses long names, many or long tags, long members and non-finite results, by reason', () => {
    const agg = new Aggregator();
    const tags = (n: number, len = 3) =>
      Array.from({ length: n }, (_, i) => `${i}`.padStart(len, 't')).join(',');
    expect(agg.record('n'.repeat(201), '', 'c', 1, 1)).toBe('name_too_long');
    expect(agg.record('n'.repeat(200), '', 'c', 1, 1)).toBe(true);
    expect(agg.record('t', tags(51), 'g', 1, 1)).toBe('too_many_tags');
    expect(agg.record('t', tags(50), 'g', 1, 1)).toBe(true);
    expect(agg.record('l', tags(2, 201), 'g', 1, 1)).toBe('tag_too_long');
    expect(agg.record('s', '', 's', 'm'.repeat(201), 1)).toBe('member_too_long');
    expect(agg.record('big', '', 'c', 1e308, 0.1)).toBe('out_of_range');
    expect(agg.record('g', '', 'g', 1e308, 1)).toBe(true);
    expect(agg.record('g', '', 'gd', 1e308, 1)).toBe('out_of_range');
    expect(agg.record('ms', '', 'ms', 1e308, 0.5)).toBe('out_of_range');
    expect(agg.refused).toMatchObject({
      name_too_long: 1,
      too_many_tags: 1,
      tag_too_long: 1,
      member_too_long: 1,
      out_of_range: 3,
    });
  });

  it('holds at most its byte budget, and gives it back when series expire', () => {
    const agg = new Aggregator({ expireAfter: 1, limits: { byteBudget: 100_000 } });
    let taken = 0;
    for (let i = 0; i < 10_000; i++)
      if (agg.record(`series.${i}`, 'env:x', 'c', 1, 1) === true) taken++;
    for (let i = 0; i < 10_000; i++) agg.record('set', '', 's', `member-${i}`, 1);
    expect(taken).toBeGreaterThan(100);
    expect(taken).toBeLessThan(10_000);
    expect(agg.held).toBeLessThanOrEqual(100_000);
    expect(agg.refused.byte_budget).toBeGreaterThan(10_000 - taken);
    agg.flush();
    agg.flush(); // idle for an interval: every series expires
    expect([agg.seriesCount, agg.held]).toEqual([0, 0]);
  });

  it('never goes over the budget when a timer sketch grows its bins at the edge of it', () => {
    // A CI run saw 296 bytes over: bins grew after the budget was nearly full.
    const byteBudget = 200_000;
    const agg = new Aggregator({ limits: { byteBudget } });
    for (let i = 0; i < 200; i++) {
      // Values spread over many decades, so each timer's sketch keeps adding bins.
      for (let v = 0; v < 40; v++) agg.record(`t.${i}`, '', 'ms', 1.5 ** (v * 3 + (i % 7)), 1);
      expect(agg.held).toBeLessThanOrEqual(byteBudget);
    }
    expect(agg.refused.byte_budget).toBeGreaterThan(0);
  });
});
