/** Per-interval aggregation of samples: counter totals, gauges, timer quantiles, set sizes. */
import type { MetricType } from './protocol.ts';
import { SeriesTable } from './series-table.ts';
import { newSketch, type Sketch, sketchStats } from './sketch.ts';

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

interface Series {
  name: string;
  tags: string[];
  /** Index of the last interval that saw a sample: idle series expire after `expireAfter`. */
  seen: number;
}
interface Counter extends Series {
  value: number;
  total: number;
}
interface Gauge extends Series {
  value: number;
}
interface Timer extends Series {
  type: 'ms' | 'h' | 'd';
  sketch: Sketch | undefined;
  totalCount: number;
  totalSum: number;
}
interface UniqueSet extends Series {
  members: Set<string>;
}

export interface AggregatorOptions {
  /** Intervals without a sample after which a series is forgotten (default 6). */
  expireAfter?: number;
  /** Most series kept per type; samples for new series beyond it are refused (default 100k). */
  maxSeries?: number;
}

export class Aggregator {
  readonly counters = new SeriesTable<Counter>();
  readonly gauges = new SeriesTable<Gauge>();
  readonly timers = new SeriesTable<Timer>();
  readonly sets = new SeriesTable<UniqueSet>();
  /** Samples accepted since start. */
  samples = 0;
  /** Samples refused because `maxSeries` was reached. */
  refused = 0;
  private interval = 0;
  private started = Date.now();
  private readonly expireAfter: number;
  private readonly maxSeries: number;

  constructor(options: AggregatorOptions = {}) {
    this.expireAfter = options.expireAfter ?? 6;
    this.maxSeries = options.maxSeries ?? 100_000;
  }

  /**
   * Adds one sample. `tagKey` is the tags joined by `,` in sorted order ('' for none); the
   * caller has checked that `value` is finite (or a string for sets) and 0 < rate <= 1.
   * Returns false when the sample was refused.
   */
  record(name: string, tagKey: string, type: MetricType, value: number | string, rate: number) {
    switch (type) {
      case 'c': {
        const c =
          this.counters.get(name, tagKey) ??
          this.create(this.counters, name, tagKey, { value: 0, total: 0 });
        if (c === undefined) return false;
        const v = (value as number) / rate;
        c.value += v;
        c.total += v;
        c.seen = this.interval;
        break;
      }
      case 'g':
      case 'gd': {
        const g =
          this.gauges.get(name, tagKey) ?? this.create(this.gauges, name, tagKey, { value: 0 });
        if (g === undefined) return false;
        g.value = type === 'g' ? (value as number) : g.value + (value as number);
        g.seen = this.interval;
        break;
      }
      case 's': {
        const s =
          this.sets.get(name, tagKey) ??
          this.create(this.sets, name, tagKey, { members: new Set<string>() });
        if (s === undefined) return false;
        s.members.add(String(value));
        s.seen = this.interval;
        break;
      }
      default: {
        const t =
          this.timers.get(name, tagKey) ??
          this.create(this.timers, name, tagKey, {
            type,
            sketch: undefined,
            totalCount: 0,
            totalSum: 0,
          });
        if (t === undefined) return false;
        t.sketch ??= newSketch();
        // Sample rate r means each sample stands for 1/r: a weight, exactly as StatsD counts it.
        t.sketch.accept(value as number, 1 / rate);
        t.totalCount += 1 / rate;
        t.totalSum += (value as number) / rate;
        t.seen = this.interval;
      }
    }
    this.samples++;
    return true;
  }

  private create<S extends Series>(
    table: SeriesTable<S>,
    name: string,
    tagKey: string,
    fields: Omit<S, keyof Series>,
  ): S | undefined {
    if (table.size >= this.maxSeries) {
      this.refused++;
      return undefined;
    }
    const tags = tagKey === '' ? [] : tagKey.split(',');
    const series = { name, tags, seen: this.interval, ...fields } as S;
    table.set(name, tagKey, series);
    return series;
  }

  /** Closes the interval: returns its snapshot, resets per-interval state, expires idle series. */
  flush(now = Date.now()): Snapshot {
    const intervalMs = Math.max(1, now - this.started);
    const seconds = intervalMs / 1000;
    const snap: Snapshot = { at: now, intervalMs, counters: [], gauges: [], timers: [], sets: [] };
    for (const c of this.counters.values()) {
      snap.counters.push({
        name: c.name,
        tags: c.tags,
        value: c.value,
        rate: c.value / seconds,
        total: c.total,
      });
      c.value = 0;
    }
    for (const g of this.gauges.values())
      snap.gauges.push({ name: g.name, tags: g.tags, value: g.value });
    for (const t of this.timers.values()) {
      snap.timers.push(timerStats(t));
      t.sketch = undefined;
    }
    for (const s of this.sets.values()) {
      snap.sets.push({ name: s.name, tags: s.tags, count: s.members.size });
      s.members = new Set();
    }
    this.expire();
    this.interval++;
    this.started = now;
    return snap;
  }

  private expire() {
    const oldest = this.interval - this.expireAfter + 1;
    const idle = (series: Series) => series.seen < oldest;
    this.counters.deleteWhere(idle);
    this.gauges.deleteWhere(idle);
    this.timers.deleteWhere(idle);
    this.sets.deleteWhere(idle);
  }

  /** Number of live series of every type. */
  get seriesCount() {
    return this.counters.size + this.gauges.size + this.timers.size + this.sets.size;
  }
}

function timerStats(t: Timer): TimerStats {
  const { name, tags, type, totalCount, totalSum } = t;
  return { name, tags, type, totalCount, totalSum, ...sketchStats(t.sketch) };
}

/** Sorted, comma-joined tags: the same tags in any order make the same series. */
export function tagKeyOf(tags: readonly string[]): string {
  if (tags.length === 0) return '';
  if (tags.length === 1) return tags[0]!;
  return [...tags].sort().join(',');
}
