/** The shapes of series while they aggregate, and of the snapshot a flush makes of them. */
import type { Sketch } from './sketch.ts';

/** What one flush interval added up to; also what /api/metrics and /metrics serve. */
export interface Snapshot {
  /** End of the interval, ms since the epoch. */
  at: number;
  intervalMs: number;
  counters: { name: string; tags: string[]; value: number; rate: number; total: number }[];
  gauges: { name: string; tags: string[]; value: number }[];
  timers: TimerStats[];
  sets: { name: string; tags: string[]; count: number }[];
}

export interface TimerStats {
  name: string;
  tags: string[];
  type: 'ms' | 'h' | 'd';
  /** Samples this interval, scaled up by 1 / sample rate. */
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  /** Since the series appeared (for Prometheus summaries, which are cumulative). */
  totalCount: number;
  totalSum: number;
}

export interface Series {
  name: string;
  tags: string[];
  /** Index of the last interval that saw a sample: idle series expire after `expireAfter`. */
  seen: number;
  /** Bytes charged to the budget for the series itself; released when it expires. */
  charge: number;
}
export interface Counter extends Series {
  value: number;
  total: number;
}
export interface Gauge extends Series {
  value: number;
}
export interface Timer extends Series {
  type: 'ms' | 'h' | 'd';
  sketch: Sketch | undefined;
  /** Bytes charged for this interval's sketch; released at the flush that drops it. */
  sketchCharge: number;
  totalCount: number;
  totalSum: number;
}
export interface UniqueSet extends Series {
  members: Set<string>;
  /** Bytes charged for this interval's members. */
  memberCharge: number;
}
