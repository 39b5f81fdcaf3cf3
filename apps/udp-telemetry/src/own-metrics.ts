/** The collector's own metric families on /metrics: intake, refusals by reason, drops, memory, per-source loss. */
import type { RefuseReason } from './limits.ts';
import type { SourceStats } from './loss.ts';

/** Why a datagram was dropped before parsing; a `reason` label on telemetry_refused_datagrams_total. */
export type DatagramRefuseReason = 'source_not_allowed';

import { escapeLabel } from './prom-names.ts';

export interface CollectorCounters {
  datagrams: number;
  bytes: number;
  samples: number;
  badDatagrams: number;
  badLines: number;
  queueDropped: number;
  /** Well-formed samples refused by a limit, by reason. */
  refused: Record<RefuseReason, number>;
  /** Datagrams dropped unread, by reason (a sender outside --allow-from). */
  refusedDatagrams: Record<DatagramRefuseReason, number>;
  series: number;
  /** Bytes charged to the byte budget now (names, tags, set members, sketches). */
  heldBytes: number;
  byteBudget: number;
  queueDepth: number;
  receiveBuffer: number;
  /** Sources pushed out of loss accounting to make room for new ones. */
  sourcesEvicted: number;
  /** Scrapes answered 503 because too many were being streamed already. */
  scrapesRefused: number;
  /** Dropped by the kernel, socket buffer full (Linux only). */
  kernelDrops?: number | undefined;
}

const COUNTERS: [keyof CollectorCounters, string, string][] = [
  ['datagrams', 'telemetry_datagrams_received_total', 'Datagrams read from the socket.'],
  ['bytes', 'telemetry_received_bytes_total', 'Payload bytes read from the socket.'],
  ['samples', 'telemetry_samples_total', 'Metric samples aggregated.'],
  [
    'badDatagrams',
    'telemetry_bad_datagrams_total',
    'Datagrams refused whole (bad MessagePack, not a telemetry datagram).',
  ],
  ['badLines', 'telemetry_bad_lines_total', 'StatsD lines that do not parse.'],
  [
    'queueDropped',
    'telemetry_queue_dropped_total',
    'Datagrams dropped because the receive queue was full.',
  ],
  [
    'sourcesEvicted',
    'telemetry_sources_evicted_total',
    'Sources dropped from loss accounting to make room for new ones.',
  ],
  [
    'scrapesRefused',
    'telemetry_scrapes_refused_total',
    'Scrapes answered 503: too many in progress.',
  ],
];

const GAUGES: [keyof CollectorCounters, string, string][] = [
  ['series', 'telemetry_series', 'Live series held by the aggregator.'],
  [
    'heldBytes',
    'telemetry_held_bytes',
    'Bytes charged to the byte budget (names, tags, members, sketches).',
  ],
  [
    'byteBudget',
    'telemetry_byte_budget_bytes',
    'The byte budget: new series and members beyond it are refused.',
  ],
  ['queueDepth', 'telemetry_queue_depth', 'Datagrams waiting to be parsed.'],
  ['receiveBuffer', 'telemetry_receive_buffer_bytes', 'SO_RCVBUF granted by the kernel.'],
];

const PER_SOURCE: [keyof SourceStats, string, string][] = [
  ['received', 'telemetry_source_datagrams_total', 'Distinct datagrams received per source.'],
  ['lost', 'telemetry_source_lost_total', 'Datagrams missing from the sequence per source.'],
  [
    'reordered',
    'telemetry_source_reordered_total',
    'Datagrams that arrived out of order per source.',
  ],
  ['duplicated', 'telemetry_source_duplicated_total', 'Duplicate datagrams per source.'],
  [
    'late',
    'telemetry_source_late_total',
    'Datagrams too far behind to tell reordered from duplicated.',
  ],
  [
    'restarts',
    'telemetry_source_restarts_total',
    'Sequence restarts: a jump back by more than 65536 or forward by more than 2^20.',
  ],
  ['resumed', 'telemetry_source_resumed_total', 'Times the source came back after being evicted.'],
];

const REFUSED = 'telemetry_refused_samples_total';
const REFUSED_DATAGRAMS = 'telemetry_refused_datagrams_total';
const KERNEL = 'telemetry_kernel_dropped_total';

/** Every name ownFamilies may write: a StatsD metric mapped to one of them is left out. */
export const OWN_NAMES: ReadonlySet<string> = new Set(
  [...COUNTERS, ...GAUGES, ...PER_SOURCE]
    .map(([, name]) => name)
    .concat(REFUSED, REFUSED_DATAGRAMS, KERNEL),
);

/** Each line of the collector's own families as [family, type, help, line], a family's lines together. */
export function* ownLines(
  own: CollectorCounters,
  sources: SourceStats[],
): Generator<[string, 'counter' | 'gauge', string, string]> {
  for (const [key, name, help] of COUNTERS) yield [name, 'counter', help, `${name} ${own[key]}`];
  for (const [reason, n] of Object.entries(own.refused))
    yield [
      REFUSED,
      'counter',
      'Samples refused by a limit, by reason.',
      `${REFUSED}{reason="${reason}"} ${n}`,
    ];
  for (const [reason, n] of Object.entries(own.refusedDatagrams))
    yield [
      REFUSED_DATAGRAMS,
      'counter',
      'Datagrams dropped before parsing, by reason (source_not_allowed: sender outside --allow-from).',
      `${REFUSED_DATAGRAMS}{reason="${reason}"} ${n}`,
    ];
  if (own.kernelDrops !== undefined) {
    const help = 'Datagrams the kernel dropped: socket receive buffer full.';
    yield [KERNEL, 'counter', help, `${KERNEL} ${own.kernelDrops}`];
  }
  for (const [key, name, help] of GAUGES) yield [name, 'gauge', help, `${name} ${own[key]}`];
  for (const [key, name, help] of PER_SOURCE)
    for (const s of sources)
      yield [name, 'counter', help, `${name}{source="${escapeLabel(s.source)}"} ${s[key]}`];
}
