/** Prometheus text exposition (format 0.0.4) of the last snapshot and the collector's own counters. */
import type { Snapshot } from './aggregator.ts';
import type { SourceStats } from './loss.ts';

export interface CollectorCounters {
  datagrams: number;
  bytes: number;
  samples: number;
  badDatagrams: number;
  badLines: number;
  queueDropped: number;
  refused: number;
  series: number;
  queueDepth: number;
  receiveBuffer: number;
  /** Dropped by the kernel, socket buffer full (Linux only). */
  kernelDrops?: number | undefined;
}

type Kind = 'counter' | 'gauge' | 'summary';
interface Family {
  kind: Kind;
  help: string;
  lines: string[];
}

/** Renders everything as one exposition; a name already taken by another type is skipped. */
export function renderPrometheus(
  snap: Snapshot | undefined,
  own: CollectorCounters,
  sources: SourceStats[],
): string {
  const families = new Map<string, Family>();
  // Different StatsD names can meet in one Prometheus name (`a.b` and `a_b`): the first
  // series wins, since a family may hold each label set once and one type only.
  const series = new Set<string>();
  const add = (name: string, kind: Kind, help: string, line: string) => {
    let family = families.get(name);
    if (family === undefined) {
      family = { kind, help, lines: [] };
      families.set(name, family);
    }
    const key = line.slice(0, line.lastIndexOf(' '));
    if (family.kind !== kind || series.has(key)) return;
    series.add(key);
    family.lines.push(line);
  };
  ownFamilies(add, own, sources);
  if (snap) {
    for (const c of snap.counters) {
      const n = `${metricName(c.name)}_total`;
      add(n, 'counter', `StatsD counter ${c.name}`, `${n}${labels(c.tags)} ${num(c.total)}`);
    }
    for (const g of snap.gauges) {
      const n = metricName(g.name);
      add(n, 'gauge', `StatsD gauge ${g.name}`, `${n}${labels(g.tags)} ${num(g.value)}`);
    }
    for (const s of snap.sets) {
      const n = `${metricName(s.name)}_unique`;
      add(
        n,
        'gauge',
        `StatsD set ${s.name}: distinct members last interval`,
        `${n}${labels(s.tags)} ${s.count}`,
      );
    }
    for (const t of snap.timers) {
      // Timers are milliseconds; Prometheus wants base units, so they become _seconds summaries.
      const scale = t.type === 'ms' ? 0.001 : 1;
      const n = t.type === 'ms' ? `${metricName(t.name)}_seconds` : metricName(t.name);
      const help = `StatsD ${t.type === 'ms' ? 'timer' : t.type === 'h' ? 'histogram' : 'distribution'} ${t.name}, quantiles over the last interval`;
      for (const [q, v] of [
        ['0.5', t.p50],
        ['0.9', t.p90],
        ['0.99', t.p99],
      ] as const) {
        add(n, 'summary', help, `${n}${labels(t.tags, `quantile="${q}"`)} ${num(v * scale)}`);
      }
      add(n, 'summary', help, `${n}_sum${labels(t.tags)} ${num(t.totalSum * scale)}`);
      add(n, 'summary', help, `${n}_count${labels(t.tags)} ${num(t.totalCount)}`);
    }
  }
  let out = '';
  for (const [name, f] of families) {
    out += `# HELP ${name} ${escapeHelp(f.help)}\n# TYPE ${name} ${f.kind}\n${f.lines.join('\n')}\n`;
  }
  return out;
}

function ownFamilies(
  add: (n: string, k: Kind, h: string, l: string) => void,
  own: CollectorCounters,
  sources: SourceStats[],
) {
  const counters: [Exclude<keyof CollectorCounters, 'kernelDrops'>, string, string][] = [
    ['datagrams', 'telemetry_datagrams_received_total', 'Datagrams read from the socket.'],
    ['bytes', 'telemetry_received_bytes_total', 'Payload bytes read from the socket.'],
    ['samples', 'telemetry_samples_total', 'Metric samples aggregated.'],
    [
      'badDatagrams',
      'telemetry_bad_datagrams_total',
      'Datagrams refused whole (bad MessagePack, not a telemetry datagram).',
    ],
    ['badLines', 'telemetry_bad_lines_total', 'StatsD lines or samples refused.'],
    [
      'queueDropped',
      'telemetry_queue_dropped_total',
      'Datagrams dropped because the receive queue was full.',
    ],
    [
      'refused',
      'telemetry_refused_samples_total',
      'Samples refused because the series limit was reached.',
    ],
  ];
  for (const [key, name, help] of counters) add(name, 'counter', help, `${name} ${own[key]}`);
  if (own.kernelDrops !== undefined) {
    const name = 'telemetry_kernel_dropped_total';
    add(
      name,
      'counter',
      'Datagrams the kernel dropped: socket receive buffer full.',
      `${name} ${own.kernelDrops}`,
    );
  }
  add(
    'telemetry_series',
    'gauge',
    'Live series held by the aggregator.',
    `telemetry_series ${own.series}`,
  );
  add(
    'telemetry_queue_depth',
    'gauge',
    'Datagrams waiting to be parsed.',
    `telemetry_queue_depth ${own.queueDepth}`,
  );
  add(
    'telemetry_receive_buffer_bytes',
    'gauge',
    'SO_RCVBUF granted by the kernel.',
    `telemetry_receive_buffer_bytes ${own.receiveBuffer}`,
  );
  const perSource: [keyof SourceStats, string, string][] = [
    ['received', 'telemetry_source_datagrams_total', 'Distinct datagrams received per source.'],
    ['lost', 'telemetry_source_lost_total', 'Datagrams missing from the sequence per source.'],
    [
      'reordered',
      'telemetry_source_reordered_total',
      'Datagrams that arrived out of order per source.',
    ],
    ['duplicated', 'telemetry_source_duplicated_total', 'Duplicate datagrams per source.'],
  ];
  for (const [key, name, help] of perSource) {
    for (const s of sources)
      add(
        name,
        'counter',
        help,
        `${name}${labels([], `source="${escapeLabel(s.source)}"`)} ${s[key]}`,
      );
  }
}

/**
 * A StatsD name as a Prometheus metric name: `api.requests-2xx` -> `api_requests_2xx`,
 * camelCase -> snake_case (promtool's lint wants it), never a leading digit.
 */
export function metricName(name: string): string {
  let n = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  n = n.replace(/__+/g, '_');
  return /^[a-z_]/.test(n) ? n : `_${n}`;
}

/** DogStatsD tags as labels: `env:prod` -> env="prod", a bare `canary` -> canary="true". */
function labels(tags: string[], extra?: string): string {
  const parts: string[] = [];
  const used = new Set<string>();
  for (const tag of tags) {
    const colon = tag.indexOf(':');
    let key = metricName(colon === -1 ? tag : tag.slice(0, colon));
    if (key.startsWith('__') || key === 'quantile') key = `tag${key}`;
    if (used.has(key)) continue; // Prometheus allows a label once; the first value wins.
    used.add(key);
    parts.push(`${key}="${escapeLabel(colon === -1 ? 'true' : tag.slice(colon + 1))}"`);
  }
  if (extra) parts.push(extra);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

const escapeLabel = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const num = (v: number) =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
