/** The quantile sketch behind timers and histograms: DDSketch, and nearest-rank quantiles from it. */
import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';

export type Sketch = LogCollapsingLowestDenseDDSketch;

/** Bins per store (a sketch has two: positive and negative values); past it the lowest collapse. */
export const BIN_LIMIT = 2048;

/** DDSketch with 1 % relative accuracy; BIN_LIMIT bins a store bound memory per series. */
export const newSketch = () =>
  new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: 0.01, binLimit: BIN_LIMIT });

/** What the byte budget charges a sketch before its bins: its objects and two empty stores. */
export const SKETCH_BYTES = 1000;

/** count, min, max, mean and p50/p90/p99 of a sketch; NaN for an empty or missing one. */
export function sketchStats(s: Sketch | undefined) {
  if (s === undefined || s.count === 0) {
    const none = Number.NaN;
    return { count: 0, min: none, max: none, mean: none, p50: none, p90: none, p99: none };
  }
  return {
    count: s.count,
    min: s.min,
    max: s.max,
    mean: s.sum / s.count,
    p50: quantile(s, 0.5),
    p90: quantile(s, 0.9),
    p99: quantile(s, 0.99),
  };
}

/**
 * The nearest-rank quantile, as StatsD computes its percentiles: the ceil(q * n)-th smallest
 * value (of 42 and 57, p90 is 57). DDSketch indexes rank q * (n - 1), so ask it for the rank we
 * mean. It answers within 1 % of that value; clamp to the exact min and max it keeps.
 */
export function quantile(s: Sketch, q: number): number {
  const n = s.count;
  // +1e-6: a rank like 498.9999 from float division must not select the value before.
  const rank = n <= 1 ? 0 : Math.min(1, Math.max(0, (Math.ceil(q * n) - 1 + 1e-6) / (n - 1)));
  return clamp(s.getValueAtQuantile(rank), s.min, s.max);
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
