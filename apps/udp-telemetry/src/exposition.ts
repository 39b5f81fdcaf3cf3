/** Prometheus text exposition (format 0.0.4) of the last snapshot and the collector's own counters, in chunks. */
import type { Snapshot, TimerStats } from './aggregator.ts';
import type { SourceStats } from './loss.ts';
import { OWN_NAMES, ownLines } from './own-metrics.ts';
import { escapeHelp, labelBody, metricName } from './prom-names.ts';

export type { CollectorCounters } from './own-metrics.ts';

import type { CollectorCounters } from './own-metrics.ts';

type Kind = 'counter' | 'gauge' | 'summary';
type Item =
  | { kind: 'counter'; s: Snapshot['counters'][number] }
  | { kind: 'gauge'; s: Snapshot['gauges'][number] }
  | { kind: 'set'; s: Snapshot['sets'][number] }
  | { kind: 'timer'; s: TimerStats };
/** One family of a snapshot's series: its type and its series, in order; HELP comes from the first. */
interface Family {
  kind: Kind;
  items: Item[];
}

/** Output is cut into strings of about this size: no string grows with the number of series. */
export const CHUNK_BYTES = 64 * 1024;

/**
 * Yields the exposition in chunks of about CHUNK_BYTES. A family's lines must be contiguous,
 * so series are first grouped by family (references only, once per snapshot, shared by every
 * scrape of it); text is made one family at a time. Different StatsD names can meet in one
 * Prometheus name (`a.b` and `a_b`): the first series wins, since a family may hold each label
 * set once and one type only. What the last interval did not see is left out rather than made
 * up: a timer without samples has no quantiles (its cumulative `_sum` and `_count` stay), a
 * set without members has no `_unique` line.
 */
export function* prometheusChunks(
  snap: Snapshot | undefined,
  own: CollectorCounters,
  sources: SourceStats[],
): Generator<string> {
  let out = '';
  let family = '';
  for (const [name, kind, help, line] of ownLines(own, sources)) {
    if (name !== family) out += `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${kind}\n`;
    family = name;
    out += `${line}\n`;
    if (out.length >= CHUNK_BYTES) {
      yield out;
      out = '';
    }
  }
  if (snap === undefined) {
    yield out;
    return;
  }
  for (const [name, f] of groupOf(snap)) {
    let header = `# HELP ${name} ${escapeHelp(helpOf(f.items[0]!))}\n# TYPE ${name} ${f.kind}\n`;
    const seen = new Set<string>(); // label sets written in this family
    for (const item of f.items) {
      const body = labelBody(item.s.tags);
      if (seen.has(body)) continue;
      seen.add(body);
      const text = seriesLines(name, body, item);
      if (text === '') continue;
      out += header + text;
      header = '';
      if (out.length >= CHUNK_BYTES) {
        yield out;
        out = '';
      }
    }
  }
  if (out !== '') yield out;
}

const groups = new WeakMap<Snapshot, Map<string, Family>>();

function groupOf(snap: Snapshot): Map<string, Family> {
  let families = groups.get(snap);
  if (families !== undefined) return families;
  families = new Map();
  const add = (name: string, kind: Kind, item: Item) => {
    // The collector's own names are taken: a StatsD metric of the same name is left out.
    if (OWN_NAMES.has(name)) return;
    const f = families!.get(name);
    if (f === undefined) families!.set(name, { kind, items: [item] });
    else if (f.kind === kind) f.items.push(item);
  };
  for (const s of snap.counters)
    add(`${metricName(s.name)}_total`, 'counter', { kind: 'counter', s });
  for (const s of snap.gauges) add(metricName(s.name), 'gauge', { kind: 'gauge', s });
  for (const s of snap.sets) add(`${metricName(s.name)}_unique`, 'gauge', { kind: 'set', s });
  for (const s of snap.timers) {
    // Timers are milliseconds; Prometheus wants base units, so they become _seconds summaries.
    const name = s.type === 'ms' ? `${metricName(s.name)}_seconds` : metricName(s.name);
    add(name, 'summary', { kind: 'timer', s });
  }
  groups.set(snap, families);
  return families;
}

function helpOf(item: Item): string {
  switch (item.kind) {
    case 'counter':
      return `StatsD counter ${item.s.name}`;
    case 'gauge':
      return `StatsD gauge ${item.s.name}`;
    case 'set':
      return `StatsD set ${item.s.name}: distinct members last interval`;
    case 'timer': {
      const t = item.s.type;
      const what = t === 'ms' ? 'timer' : t === 'h' ? 'histogram' : 'distribution';
      return `StatsD ${what} ${item.s.name}, quantiles over the last interval`;
    }
  }
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
