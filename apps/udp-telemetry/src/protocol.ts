/** The metric types, defaults and wire shapes shared by the agent and the collector. */
import { defineProtocol, type MessageOfType, z } from '@netlab/serialization';

/**
 * Metric type codes. The StatsD/DogStatsD ones as written after the `|`, plus `gd`: a gauge
 * delta, which StatsD text spells as a gauge whose value carries a leading sign (`x:+3|g`).
 */
export type MetricType = (typeof METRIC_TYPES)[number];

export const METRIC_TYPES = ['c', 'g', 'gd', 'ms', 'h', 'd', 's'] as const;

/** One metric sample as the agent sends it: [name, type, value, sampleRate, tags]. */
export type MetricTuple = [
  name: string,
  type: MetricType,
  value: number | string,
  rate: number,
  tags: string[],
];

const text = z.string().min(1).max(200);
const sample = z
  .tuple([
    text,
    z.enum(METRIC_TYPES),
    z.union([z.number(), text]), // zod 4's number() refuses NaN and the infinities
    z.number().gt(0).lte(1),
    z.array(z.string().max(200)).max(50),
  ])
  .refine(
    ([, type, value]) => (type === 's') === (typeof value === 'string'),
    'a set member is a string; every other value is a number',
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
      src: text,
      seq: z.number().int().min(0),
      ts: z.number(),
      m: z.array(sample).max(1000),
    },
  },
});

export type TelemetryDatagram = MessageOfType<typeof telemetry, 'metrics'>;

export {
  DEFAULT_HOST,
  DEFAULT_HTTP_PORT,
  DEFAULT_MTU,
  DEFAULT_PORT,
  DEFAULT_RCVBUF,
} from './defaults.ts';
