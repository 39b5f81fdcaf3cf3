/** Per-interval aggregation of samples: counter totals, gauges, timer quantiles, set sizes. */
import { BIN_BYTES, Budget, detach, type Limits, type RefuseReason } from './limits.ts';
import type { MetricType } from './protocol.ts';
import type { Counter, Gauge, Series, Snapshot, Timer, TimerStats, UniqueSet } from './series.ts';
import { SeriesTable } from './series-table.ts';
import { BIN_LIMIT, newSketch, SKETCH_BYTES, sketchStats } from './sketch.ts';

/** The most a timer's sketch is charged: its objects and both stores at their bin limit. */
const MAX_SKETCH_BYTES = SKETCH_BYTES + BIN_BYTES * 2 * BIN_LIMIT;

export type { Snapshot, TimerStats } from './series.ts';

export interface AggregatorOptions {
  /** Intervals without a sample after which a series is forgotten (default 6). */
  expireAfter?: number;
  /** Bounds on names, tags, series and bytes (see limits.ts); each defaults separately. */
  limits?: Partial<Limits>;
}

export class Aggregator {
  readonly counters = new SeriesTable<Counter>();
  readonly gauges = new SeriesTable<Gauge>();
  readonly timers = new SeriesTable<Timer>();
  readonly sets = new SeriesTable<UniqueSet>();
  /** Samples accepted since start. */
  samples = 0;
  /** Names, tags, members and bytes: what is held, what was refused and why (limits.ts). */
  readonly budget: Budget;
  private interval = 0;
  private started = Date.now();
  private readonly expireAfter: number;

  constructor(options: AggregatorOptions = {}) {
    this.expireAfter = options.expireAfter ?? 6;
    this.budget = new Budget(options.limits);
  }

  /** Samples refused by a limit, by reason. */
  get refused() {
    return this.budget.refused;
  }

  /** Bytes charged to the budget now. */
  get held() {
    return this.budget.held;
  }

  /**
   * Adds one sample. `tagKey` is the tags joined by `,` in sorted order ('' for none); the
   * caller has checked that `value` is finite (or a string for sets) and 0 < rate <= 1.
   * Returns true when taken, else why it was refused (also counted in `refused`).
   */
  record(
    name: string,
    tagKey: string,
    type: MetricType,
    value: number | string,
    rate: number,
  ): true | RefuseReason {
    switch (type) {
      case 'c': {
        const c =
          this.counters.get(name, tagKey) ??
          this.create(this.counters, name, tagKey, { value: 0, total: 0 });
        if (typeof c === 'string') return c;
        const v = (value as number) / rate;
        // 1e308 at rate 0.1, or a total past 1.8e308, is not a count: say so instead of +Inf.
        if (!Number.isFinite(c.total + v)) return this.budget.refuse('out_of_range');
        c.value += v;
        c.total += v;
        c.seen = this.interval;
        break;
      }
      case 'g':
      case 'gd': {
        const g =
          this.gauges.get(name, tagKey) ?? this.create(this.gauges, name, tagKey, { value: 0 });
        if (typeof g === 'string') return g;
        const v = type === 'g' ? (value as number) : g.value + (value as number);
        if (!Number.isFinite(v)) return this.budget.refuse('out_of_range');
        g.value = v;
        g.seen = this.interval;
        break;
      }
      case 's': {
        const s =
          this.sets.get(name, tagKey) ??
          this.create(this.sets, name, tagKey, { members: new Set<string>(), memberCharge: 0 });
        if (typeof s === 'string') return s;
        const member = String(value);
        if (!s.members.has(member)) {
          // Members are what a set holds, so they count against the budget like series do.
          const charge = this.budget.member(member);
          if (typeof charge === 'string') return charge;
          s.members.add(detach(member));
          s.memberCharge += charge;
        }
        s.seen = this.interval;
        break;
      }
      default: {
        const t =
          this.timers.get(name, tagKey) ??
          this.create(this.timers, name, tagKey, {
            type,
            sketch: undefined,
            sketchCharge: 0,
            totalCount: 0,
            totalSum: 0,
          });
        if (typeof t === 'string') return t;
        if (!Number.isFinite(t.totalSum + (value as number) / rate))
          return this.budget.refuse('out_of_range');
        if (t.sketch === undefined) {
          if (!this.budget.take(SKETCH_BYTES)) return this.budget.refuse('byte_budget');
          t.sketch = newSketch();
          t.sketchCharge = SKETCH_BYTES;
        }
        // One sample may grow the bins by up to what the sketch has left to grow (a value far
        // from the others spans many bins), and that memory is taken before it can be charged:
        // so a sample goes in only while the budget has room for all of it.
        if (!this.budget.fits(MAX_SKETCH_BYTES - t.sketchCharge))
          return this.budget.refuse('byte_budget');
        // Sample rate r means each sample stands for 1/r: a weight, exactly as StatsD counts it.
        t.sketch.accept(value as number, 1 / rate);
        // Bins grow in chunks up to their limit (~32 KiB a sketch); charge what they grew by.
        const bytes =
          SKETCH_BYTES +
          BIN_BYTES * (t.sketch.store.bins.length + t.sketch.negativeStore.bins.length);
        this.budget.adjust(bytes - t.sketchCharge);
        t.sketchCharge = bytes;
        t.totalCount += 1 / rate;
        t.totalSum += (value as number) / rate;
        t.seen = this.interval;
      }
    }
    this.samples++;
    return true;
  }

  /** A new series, or why not (counted by the budget). */
  private create<S extends Series>(
    table: SeriesTable<S>,
    name: string,
    tagKey: string,
    fields: Omit<S, keyof Series>,
  ): S | RefuseReason {
    const admitted = this.budget.series(name, tagKey, table.size);
    if (typeof admitted === 'string') return admitted;
    const { tags, charge } = admitted;
    const series = { name: admitted.name, tags, seen: this.interval, charge, ...fields } as S;
    table.set(admitted.name, admitted.tagKey, series);
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
      this.budget.adjust(-t.sketchCharge);
      t.sketchCharge = 0;
    }
    for (const s of this.sets.values()) {
      snap.sets.push({ name: s.name, tags: s.tags, count: s.members.size });
      s.members = new Set();
      this.budget.adjust(-s.memberCharge);
      s.memberCharge = 0;
    }
    this.expire();
    this.interval++;
    this.started = now;
    return snap;
  }

  private expire() {
    const oldest = this.interval - this.expireAfter + 1;
    const idle = (series: Series) => {
      if (series.seen >= oldest) return false;
      this.budget.adjust(-series.charge);
      return true;
    };
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
