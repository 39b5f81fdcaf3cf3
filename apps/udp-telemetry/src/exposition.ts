/** Prometheus text exposition (format 0.0.4) of the last snapshot and the collector's own counters, in chunks. */
import type { Snapshot, TimerStats } from './aggregator.ts';
import type { SourceStats } from './loss.ts';
import { ownFamilies } from './own-metrics.ts';
import { escapeHelp, labelBody, metricName } from './prom-names.ts';

export type { CollectorCounters } from './own-metrics.ts';

import type { CollectorCounters } from './own-metrics.ts';

type Kind = 'counter' | 'gauge' | 'summary';
type Item =
  | { kind: 'counter'; s: Snapshot['counters'][number] }
  | { kind: 'gauge'; s: Snapshot['gauges'][number] }
  | { kind: 'set'; s: Snapshot['sets'][number] }
  | { kind: 'timer'; s: TimerStats };
interface Family {
  kind: Kind;
  help: string;
  /** Lines already rendered (the collector's own, a few), or series to render when written. */
  lines: string[];
  items: Item[];
}

/** Output is cut into strings of about this size: no string grows with the number of series. */
export const CHUNK_BYTES = 64 * 1024;

/**
 * Yields the exposition in chunks of about CHUNK_BYTES. A family's lines must be contiguous,
 * so series are first grouped by family (references only); text is made one family at a time.
 * Different StatsD names can meet in one Prometheus name (`a.b` and `a_b`): the first series
 * wins, since a family may hold each label set once and one type only. What the last interval
 * did not see is left out rather than made up: a timer without samples has no quantiles (its
 * cumulative `_sum` and `_count` stay), a set without members has no `_unique` line.
 */
export function* prometheusChunks(
  snap: Snapshot | undefined,
  own: CollectorCounters,
  sources: SourceStats[],
): Generator<string> {
  const families = new Map<string, Family>();
  const family = (name: string, kind: Kind, help: string) => {
    let f = families.get(name);
    if (f === undefined) {
      f = { kind, help, lines: [], items: [] };
      families.set(name, f);
    }
    return f.kind === kind ? f : undefined;
  };
  ownFamilies(own, sources, (name, kind, help, line) => family(name, kind, help)?.lines.push(line));
  // The collector's own names are taken: a StatsD metric of the same name is left out.
  const taken = new Set(families.keys());
  const user = (name: string, kind: Kind, help: string) =>
    taken.has(name) ? undefined : family(name, kind, help);
  if (snap) {
    for (const s of snap.counters)
      user(`${metricName(s.name)}_total`, 'counter', `StatsD counter ${s.name}`)?.items.push({
        kind: 'counter',
        s,
      });
    for (const s of snap.gauges)
      user(metricName(s.name), 'gauge', `StatsD gauge ${s.name}`)?.items.push({
        kind: 'gauge',
        s,
      });
    for (const s of snap.sets) {
      const help = `StatsD set ${s.name}: distinct members last interval`;
      user(`${metricName(s.name)}_unique`, 'gauge', help)?.items.push({ kind: 'set', s });
    }
    for (const s of snap.timers) {
      // Timers are milliseconds; Prometheus wants base units, so they become _seconds summaries.
      const name = s.type === 'ms' ? `${metricName(s.name)}_seconds` : metricName(s.name);
      const what = s.type === 'ms' ? 'timer' : s.type === 'h' ? 'histogram' : 'distribution';
      const help = `StatsD ${what} ${s.name}, quantiles over the last interval`;
      user(name, 'summary', help)?.items.push({ kind: 'timer', s });
    }
  }
  let out = '';
  for (const [name, f] of families) {
    let header = `# HELP ${name} ${escapeHelp(f.help)}\n# TYPE ${name} ${f.kind}\n`;
    const emit = (line: string) => {
      out += header + line;
      header = '';
    };
    for (const line of f.lines) emit(`${line}\n`);
    const seen = new Set<string>(); // label sets written in this family
    for (const item of f.items) {
      const body = labelBody(item.s.tags);
      if (seen.has(body)) continue;
      seen.add(body);
      const text = seriesLines(name, body, item);
      if (text !== '') emit(text);
      if (out.length >= CHUNK_BYTES) {
        yield out;
        out = '';
      }
    }
  }
  if (out !== '') yield out;
}

function seriesLines(name: string, body: string, item: Item): string {
  const labels = body === '' ? '' : `{${body}}`;
  switch (item.kind) {
    case 'counter':
      return `${name}${labels} ${num(item.s.total)}\n`;
    case 'gauge':
      return `${name}${labels} ${num(item.s.value)}\n`;
    case 'set':
      return item.s.count === 0 ? '' : `${name}${labels} ${item.s.count}\n`;
    case 'timer': {
      const t = item.s;
      const scale = t.type === 'ms' ? 0.001 : 1;
      let text = '';
      if (t.count > 0) {
        const pre = body === '' ? '{' : `{${body},`;
        text += `${name}${pre}quantile="0.5"} ${num(t.p50 * scale)}\n`;
        text += `${name}${pre}quantile="0.9"} ${num(t.p90 * scale)}\n`;
        text += `${name}${pre}quantile="0.99"} ${num(t.p99 * scale)}\n`;
      }
      return `${text}${name}_sum${labels} ${num(t.totalSum * scale)}\n${name}_count${labels} ${num(t.totalCount)}\n`;
    }
  }
}

/** The whole exposition as one string: for tests and small collectors; HTTP streams the chunks. */
export function renderPrometheus(
  snap: Snapshot | undefined,
  own: CollectorCounters,
  sources: SourceStats[],
): string {
  return [...prometheusChunks(snap, own, sources)].join('');
}

export const num = (v: number) =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
