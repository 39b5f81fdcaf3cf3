/** Text rendering of a flush: the collector's per-interval output and the frames of `telemetry top`. */
import { color } from '@netlab/cli';
import type { Snapshot } from './aggregator.ts';
import type { SourceStats } from './loss.ts';
import type { CollectorStatus } from './server.ts';

export interface View {
  status: CollectorStatus;
  sources: SourceStats[];
  snapshot: Snapshot | null;
}

const series = (name: string, tags: string[]) =>
  tags.length === 0 ? name : `${name}{${tags.join(',')}}`;
const fmt = (v: number | null) =>
  v === null || !Number.isFinite(v)
    ? '-'
    : Number.isInteger(v)
      ? String(v)
      : Number(v.toPrecision(6)).toString();
const pad = (s: string, n: number) => (s.length >= n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/** One line of totals: what came in, what was refused, what was lost on the way. */
export function renderStatus(s: CollectorStatus, at = Date.now()): string {
  const time = new Date(at).toISOString().slice(11, 19);
  const drops = s.queueDropped + (s.kernelDrops ?? 0);
  const dropText = `dropped ${s.queueDropped} queue + ${s.kernelDrops ?? '?'} kernel`;
  // Refusals and evictions only when there are some: most collectors never see one.
  const refused = Object.entries(s.refused ?? {}).filter(([, n]) => n > 0);
  let refusedText =
    refused.length === 0 ? '' : `  refused ${refused.map(([why, n]) => `${n} ${why}`).join(', ')}`;
  const refusedDatagrams = Object.entries(s.refusedDatagrams ?? {}).filter(([, n]) => n > 0);
  if (refusedDatagrams.length > 0)
    refusedText += `  refused datagrams ${refusedDatagrams.map(([why, n]) => `${n} ${why}`).join(', ')}`;
  const evicted = s.sourcesEvicted > 0 ? `  sources evicted ${s.sourcesEvicted}` : '';
  return (
    `${color.bold(time)} datagrams ${s.datagrams}  samples ${s.samples}  series ${s.series}  ` +
    `bad ${s.badDatagrams} datagrams + ${s.badLines} lines  ${drops > 0 ? color.red(dropText) : dropText}` +
    (refusedText || evicted ? color.red(`${refusedText}${evicted}`) : '')
  );
}

/**
 * The busiest metrics of the last interval (counters by rate, timers by count, then gauges
 * and sets) and the loss per source, at most `limit` metric rows.
 */
export function renderView(view: View, limit = 20): string {
  const lines = [renderStatus(view.status, view.snapshot?.at)];
  const snap = view.snapshot;
  if (snap) {
    const rows: [number, string][] = [];
    for (const c of snap.counters)
      rows.push([
        c.value === 0 ? -2 : c.rate, // idle counters after gauges and sets
        `${pad('counter', 8)} ${pad(series(c.name, c.tags), 44)} ${fmt(c.value).padStart(10)}  ${fmt(c.rate)}/s`,
      ]);
    for (const t of snap.timers) {
      if (t.count === 0) continue;
      const unit = t.type === 'ms' ? ' ms' : '';
      const stats = `n=${fmt(t.count)} min ${fmt(t.min)} p50 ${fmt(t.p50)} p90 ${fmt(t.p90)} p99 ${fmt(t.p99)} max ${fmt(t.max)}${unit}`;
      rows.push([
        (t.count * 1000) / snap.intervalMs,
        `${pad(t.type === 'ms' ? 'timer' : t.type === 'h' ? 'histo' : 'distrib', 8)} ${pad(series(t.name, t.tags), 44)} ${stats}`,
      ]);
    }
    for (const g of snap.gauges)
      rows.push([
        -1,
        `${pad('gauge', 8)} ${pad(series(g.name, g.tags), 44)} ${fmt(g.value).padStart(10)}`,
      ]);
    for (const s of snap.sets)
      rows.push([
        -1,
        `${pad('set', 8)} ${pad(series(s.name, s.tags), 44)} ${String(s.count).padStart(10)} distinct`,
      ]);
    rows.sort((a, b) => b[0] - a[0]);
    for (const [, row] of rows.slice(0, limit)) lines.push(`  ${row}`);
    if (rows.length > limit) lines.push(color.dim(`  … ${rows.length - limit} more series`));
  }
  for (const s of view.sources) {
    const bad = s.lost + s.duplicated + s.late > 0;
    const text =
      `received ${s.received}  lost ${s.lost}  reordered ${s.reordered}  duplicated ${s.duplicated}` +
      `${s.late ? `  late ${s.late}` : ''}${s.restarts ? `  restarts ${s.restarts}` : ''}` +
      `${s.resumed ? `  resumed ${s.resumed}` : ''}`;
    lines.push(
      `  ${pad('source', 8)} ${pad(s.source, 44)} ${bad ? color.red(text) : color.green(text)}`,
    );
  }
  return lines.join('\n');
}
