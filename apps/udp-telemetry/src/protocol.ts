/** The metric types, defaults and wire shapes shared by the agent and the collector. */
import { defineProtocol, type MessageOfType, v } from '@netlab/serialization';

/**
 * Metric type codes. The StatsD/DogStatsD ones as written after the `|`, plus `gd`: a gauge
 * delta, which StatsD text spells as a gauge whose value carries a leading sign (`x:+3|g`).
 */
export type MetricType = 'c' | 'g' | 'gd' | 'ms' | 'h' | 'd' | 's';

export const METRIC_TYPES: readonly MetricType[] = ['c', 'g', 'gd', 'ms', 'h', 'd', 's'];

/** One metric sample as the agent sends it: [name, type, value, sampleRate, tags]. */
export type MetricTuple = [
  name: string,
  type: MetricType,
  value: number | string,
  rate: number,
  tags: string[],
];

const sample = v.pipe(
  v.tuple([
    v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    v.picklist(METRIC_TYPES),
    v.union([v.pipe(v.number(), v.finite()), v.pipe(v.string(), v.minLength(1), v.maxLength(200))]),
    v.pipe(v.number(), v.gtValue(0), v.maxValue(1)),
    v.pipe(v.array(v.pipe(v.string(), v.maxLength(200))), v.maxLength(50)),
  ]),
  v.check(
    ([, type, value]) => (type === 's') === (typeof value === 'string'),
    'a set member is a string; every other value is a number',
  ),
);

/**
 * Our datagram, one MessagePack map: who sent it (`src`, stable for one agent process), its
 * place in that sender's sequence (`seq`, 0 then +1 per datagram: the collector counts the
 * gaps as loss), the send time (`ts`, ms since the epoch) and the samples (`m`).
 */
export const telemetry = defineProtocol({
  name: 'udp-telemetry',
  version: 1,
  messages: {
    metrics: {
      src: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
      seq: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
      ts: v.pipe(v.number(), v.finite()),
      m: v.pipe(v.array(sample), v.maxLength(1000)),
    },
  },
});

export type TelemetryDatagram = MessageOfType<typeof telemetry, 'metrics'>;

/**
 * Payload budget per datagram: 1500 (Ethernet MTU) - 20 (IPv4) - 8 (UDP) leaves 1472; 1432
 * also leaves room for a 40-byte IPv6 header, so no datagram is ever fragmented.
 */
export const DEFAULT_MTU = 1432;
export const DEFAULT_PORT = 8125;
export const DEFAULT_HTTP_PORT = 9102;
export const DEFAULT_HOST = '127.0.0.1';
/** 8 MiB: room for ~20 ms of a 400k datagrams/s burst while the event loop is busy. */
export const DEFAULT_RCVBUF = 8 * 1024 * 1024;
