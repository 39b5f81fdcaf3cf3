/** The agent: takes samples through its API (and from the host), batches them into datagrams, sends them. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { msgpackPacking } from './batch.ts';
import { TelemetryError } from './errors.ts';
import { HostSampler } from './host-metrics.ts';
import { DEFAULT_HOST, DEFAULT_MTU, DEFAULT_PORT, type MetricType } from './protocol.ts';
import { openSender, type Sender, type SenderStats } from './sender.ts';
import { statsdPacking } from './statsd-packing.ts';

export interface AgentOptions {
  host?: string;
  port?: number;
  /** `msgpack` (ours: source id + sequence number, so loss is counted) or `statsd` text. */
  format?: 'msgpack' | 'statsd';
  /** Payload budget per datagram, bytes (default 1432). */
  mtu?: number;
  /** Source id (default `hostname/pid/random`). */
  source?: string;
  /** Send what is pending at least this often, ms (default 1000; 0: only on flush() or a full datagram). */
  flushMs?: number;
  /** Sample host metrics every `intervalMs` (0: only on sampleHost()) under `prefix` (default: off). */
  hostMetrics?: { intervalMs: number; prefix?: string } | false;
  /** Datagrams handed to the socket and not yet sent before new ones are dropped (default 1024). */
  maxInFlight?: number;
  /** After a refusal (nothing listens), pause sending: first and longest pause, ms (100, 5000). */
  backoff?: { initialMs: number; maxMs: number };
  /** Prints each datagram sent (`--trace`). */
  onTrace?: (line: string) => void;
}

export interface SampleOptions {
  tags?: string[];
  /** Send only this fraction of the calls (at random), marked so the collector scales up. */
  sampleRate?: number;
}

export type AgentStats = SenderStats;

export class Agent {
  private readonly timers: NodeJS.Timeout[] = [];
  private sampler: HostSampler | undefined;

  /** Use connect(): it checks the options and opens the connected socket first. */
  constructor(
    private readonly sender: Sender,
    readonly source: string,
    private readonly options: AgentOptions,
  ) {}

  /** Nothing listens at the collector's address: back off (see Sender.refused). */
  refused() {
    this.sender.refused();
  }

  /** Samples, datagrams, bytes, drops, errors and the next sequence number. */
  get stats(): AgentStats {
    return this.sender.stats;
  }

  /** Starts the flush timer and host sampling (connect() calls it once the socket is ready). */
  start() {
    const flushMs = this.options.flushMs ?? 1000;
    if (flushMs > 0) this.timers.push(setInterval(() => this.flush(), flushMs));
    const host = this.options.hostMetrics;
    if (host) {
      // Created now so the first sample's CPU % and network rates cover a real span.
      this.sampler = new HostSampler(host.prefix);
      if (host.intervalMs > 0)
        this.timers.push(setInterval(() => this.sampleHost(), host.intervalMs));
    }
  }

  increment(name: string, value = 1, options?: SampleOptions) {
    this.record(name, 'c', value, options);
  }
  decrement(name: string, value = 1, options?: SampleOptions) {
    this.record(name, 'c', -value, options);
  }
  gauge(name: string, value: number, options?: SampleOptions) {
    this.record(name, 'g', value, options);
  }
  gaugeDelta(name: string, delta: number, options?: SampleOptions) {
    this.record(name, 'gd', delta, options);
  }
  timing(name: string, ms: number, options?: SampleOptions) {
    this.record(name, 'ms', ms, options);
  }
  histogram(name: string, value: number, options?: SampleOptions) {
    this.record(name, 'h', value, options);
  }
  distribution(name: string, value: number, options?: SampleOptions) {
    this.record(name, 'd', value, options);
  }
  set(name: string, member: string | number, options?: SampleOptions) {
    this.record(name, 's', String(member), options);
  }

  /** Samples the host now (also done every `hostMetrics.intervalMs`) and sends at once. */
  sampleHost() {
    this.sampler ??= new HostSampler(
      this.options.hostMetrics ? this.options.hostMetrics.prefix : undefined,
    );
    for (const tuple of this.sampler.sample()) this.sender.add(tuple);
    this.flush();
  }

  private record(name: string, type: MetricType, value: number | string, options?: SampleOptions) {
    const rate = options?.sampleRate ?? 1;
    if (!(rate > 0 && rate <= 1))
      throw new TelemetryError('ERR_INVALID_OPTION', `sampleRate ${rate} is not in (0, 1]`);
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TelemetryError(
        'ERR_INVALID_OPTION',
        `${name}: value ${value} is not a finite number`,
      );
    }
    if (rate < 1 && Math.random() >= rate) return;
    this.sender.add([name, type, value, rate, options?.tags ?? []]);
  }

  /** Sends everything pending now as one datagram. */
  flush() {
    this.sender.flush();
  }

  /** Resolves once every datagram handed to the socket has been sent. */
  drained(): Promise<void> {
    return this.sender.drained();
  }

  /** Flushes, waits for the sends, closes the socket. */
  async close() {
    for (const timer of this.timers) clearInterval(timer);
    this.sampler?.stop();
    await this.sender.close();
  }
}

/** Creates an agent sending to host:port (a connected UDP socket: ICMP errors are reported). */
export async function connect(options: AgentOptions = {}): Promise<Agent> {
  const budget = options.mtu ?? DEFAULT_MTU;
  if (budget < 64)
    throw new TelemetryError('ERR_INVALID_OPTION', `mtu ${budget} is below 64 bytes`);
  const source =
    options.source ?? `${os.hostname()}/${process.pid}/${randomBytes(2).toString('hex')}`;
  const sender = await openSender(options.host ?? DEFAULT_HOST, options.port ?? DEFAULT_PORT, {
    packing: options.format === 'statsd' ? statsdPacking() : msgpackPacking(source),
    budget,
    maxInFlight: options.maxInFlight ?? 1024,
    backoff: options.backoff,
    onTrace: options.onTrace,
  });
  const agent = new Agent(sender, source, options);
  agent.start();
  return agent;
}
