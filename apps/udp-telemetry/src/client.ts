/** The agent: takes samples through its API (and from the host), batches them into datagrams, sends them. */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import os from 'node:os';
import { headerSize, tupleSize } from './batch.ts';
import { encodeDatagram } from './codec.ts';
import { TelemetryError } from './errors.ts';
import { HostSampler } from './host-metrics.ts';
import {
  DEFAULT_HOST,
  DEFAULT_MTU,
  DEFAULT_PORT,
  type MetricTuple,
  type MetricType,
} from './protocol.ts';
import { formatStatsd } from './statsd.ts';

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
  /** Prints each datagram sent (`--trace`). */
  onTrace?: (line: string) => void;
}

export interface SampleOptions {
  tags?: string[];
  /** Send only this fraction of the calls (at random), marked so the collector scales up. */
  sampleRate?: number;
}

export interface AgentStats {
  samples: number;
  datagrams: number;
  bytes: number;
  /** Datagrams dropped locally: too many in flight, or a sample bigger than the MTU. */
  dropped: number;
  /** Send errors, e.g. ECONNREFUSED when nothing listens (ICMP port unreachable). */
  errors: number;
  /** The next sequence number. */
  seq: number;
}

export class Agent {
  readonly source: string;
  readonly stats: AgentStats = {
    samples: 0,
    datagrams: 0,
    bytes: 0,
    dropped: 0,
    errors: 0,
    seq: 0,
  };
  private pending: MetricTuple[] = [];
  private pendingSize: number;
  private readonly budget: number;
  private readonly format: 'msgpack' | 'statsd';
  private inFlight = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private sampler: HostSampler | undefined;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly socket: dgram.Socket,
    private readonly options: AgentOptions,
  ) {
    this.format = options.format ?? 'msgpack';
    this.budget = options.mtu ?? DEFAULT_MTU;
    this.source =
      options.source ?? `${os.hostname()}/${process.pid}/${randomBytes(2).toString('hex')}`;
    this.pendingSize = this.emptySize();
    if (this.budget < 64)
      throw new TelemetryError('ERR_INVALID_OPTION', `mtu ${this.budget} is below 64 bytes`);
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
    for (const tuple of this.sampler.sample()) this.add(tuple);
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
    this.add([name, type, value, rate, options?.tags ?? []]);
  }

  private add(tuple: MetricTuple) {
    this.stats.samples++;
    const size = this.sizeOf(tuple);
    if (this.emptySize() + size > this.budget) {
      this.stats.dropped++; // Alone it would not fit one datagram; fragmenting is what the MTU budget avoids.
      return;
    }
    if (this.pendingSize + size > this.budget) this.flush();
    this.pending.push(tuple);
    this.pendingSize += size;
  }

  private sizeOf(tuple: MetricTuple) {
    return this.format === 'msgpack'
      ? tupleSize(tuple)
      : Buffer.byteLength(formatStatsd(tuple)) + 1;
  }

  private emptySize() {
    return this.format === 'msgpack' ? headerSize(this.source) : -1; // n lines need n-1 newlines
  }

  /** Sends everything pending now as one datagram. */
  flush() {
    if (this.pending.length === 0) return;
    const samples = this.pending;
    this.pending = [];
    this.pendingSize = this.emptySize();
    this.sendBatch(samples);
  }

  private sendBatch(samples: MetricTuple[]) {
    const seq = this.stats.seq;
    const payload =
      this.format === 'msgpack'
        ? encodeDatagram({ src: this.source, seq, ts: Date.now(), m: samples })
        : Buffer.from(samples.map(formatStatsd).join('\n'));
    if (payload.length > this.budget && samples.length > 1) {
      // The size estimate was short (an encoder choice we did not predict): split, never fragment.
      const half = samples.length >> 1;
      this.sendBatch(samples.slice(0, half));
      this.sendBatch(samples.slice(half));
      return;
    }
    this.stats.seq++;
    this.send(payload, seq, samples);
  }

  private send(payload: Buffer, seq: number, samples: MetricTuple[]) {
    const { maxInFlight = 1024 } = this.options;
    if (this.inFlight >= maxInFlight) {
      // The socket is not keeping up: drop this datagram (its seq is used, so the collector
      // counts it lost) instead of queueing without bound.
      this.stats.dropped++;
      return;
    }
    this.inFlight++;
    this.options.onTrace?.(
      `-> seq=${this.format === 'msgpack' ? seq : '-'} ${payload.length} bytes ${samples.length} samples: ${samples.map(formatStatsd).join(' ')}`,
    );
    this.socket.send(payload, (error) => {
      this.inFlight--;
      if (error) this.stats.errors++;
      else {
        this.stats.datagrams++;
        this.stats.bytes += payload.length;
      }
      if (this.inFlight === 0) for (const resolve of this.idle) resolve();
    });
  }

  /** Resolves once every datagram handed to the socket has been sent. */
  drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.idle.delete(done);
        resolve();
      };
      this.idle.add(done);
    });
  }

  /** Flushes, waits for the sends, closes the socket. */
  async close() {
    for (const timer of this.timers) clearInterval(timer);
    this.sampler?.stop();
    this.flush();
    await this.drained();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** Creates an agent sending to host:port (a connected UDP socket: ICMP errors are reported). */
export async function connect(options: AgentOptions = {}): Promise<Agent> {
  const host = options.host ?? DEFAULT_HOST;
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const agent = new Agent(socket, options);
  // ECONNREFUSED from an earlier datagram surfaces as an 'error' event: count it, keep going.
  socket.on('error', () => agent.stats.errors++);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(options.port ?? DEFAULT_PORT, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    socket.close();
    throw error;
  }
  agent.start();
  return agent;
}
