/** udp-telemetry as a library: the agent, the collector and the pieces they are built from. */
export { Aggregator, type Snapshot, type TimerStats } from './aggregator.ts';
export {
  Agent,
  type AgentOptions,
  type AgentStats,
  connect,
  type SampleOptions,
} from './client.ts';
export { decodeDatagram, encodeDatagram, isPacked } from './codec.ts';
export { TelemetryError, type TelemetryErrorCode } from './errors.ts';
export { renderPrometheus } from './exposition.ts';
export { LossAccounting, type SourceStats } from './loss.ts';
export {
  DEFAULT_HTTP_PORT,
  DEFAULT_MTU,
  DEFAULT_PORT,
  type MetricTuple,
  type MetricType,
  type TelemetryDatagram,
  telemetry,
} from './protocol.ts';
export {
  type Collector,
  type CollectorOptions,
  type CollectorStatus,
  createServer,
} from './server.ts';
export { formatStatsd, parseStatsd } from './statsd.ts';
