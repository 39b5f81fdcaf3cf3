/** The agent's sending half: samples packed into datagrams within the MTU budget, sent with a bound. */
import dgram from 'node:dgram';
import type { Packing } from './batch.ts';
import type { MetricTuple } from './protocol.ts';
import { formatStatsd } from './statsd.ts';

export interface SenderStats {
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

export interface SenderOptions {
  /** Our MessagePack datagram (batch.ts) or StatsD text (statsd-packing.ts). */
  packing: Packing;
  /** Payload budget per datagram, bytes. */
  budget: number;
  maxInFlight: number;
  /** Pause after a refusal (ICMP port unreachable): first and longest, ms (default 100, 5000). */
  backoff?: { initialMs: number; maxMs: number } | undefined;
  onTrace?: ((line: string) => void) | undefined;
}

export class Sender {
  readonly stats: SenderStats = {
    samples: 0,
    datagrams: 0,
    bytes: 0,
    dropped: 0,
    errors: 0,
    seq: 0,
  };
  private pending: MetricTuple[] = [];
  private pendingSize: number;
  private inFlight = 0;
  private readonly idle = new Set<() => void>();
  private readonly packing: Packing;
  private readonly budget: number;
  private pausedUntil = 0;
  private delay = 0;
  private lastRefusal = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly socket: dgram.Socket,
    private readonly options: SenderOptions,
  ) {
    ({ packing: this.packing, budget: this.budget } = options);
    this.pendingSize = this.packing.empty;
  }

  add(tuple: MetricTuple) {
    this.stats.samples++;
    const size = this.packing.sizeOf(tuple);
    if (this.packing.empty + size > this.budget) {
      this.stats.dropped++; // Alone it would not fit one datagram; fragmenting is what the MTU budget avoids.
      return;
    }
    if (this.pendingSize + size > this.budget) this.flush();
    this.pending.push(tuple);
    this.pendingSize += size;
  }

  /** Sends everything pending now as one datagram. */
  flush() {
    if (this.pending.length === 0) return;
    const samples = this.pending;
    this.pending = [];
    this.pendingSize = this.packing.empty;
    this.sendBatch(samples);
  }

  private sendBatch(samples: MetricTuple[]) {
    const seq = this.stats.seq;
    const payload = this.packing.encode(samples, seq);
    // Past the path MTU, IP would cut the datagram into fragments; lose one and the receiver
    // throws the rest away, so one lost fragment loses every sample in the datagram.
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

  /**
   * The collector refused a datagram (nothing listens: ICMP port unreachable came back). Like
   * udp_remote.py's retries, wait and double the wait each time, so a dead collector is not
   * sprayed with datagrams; a refusal after a quiet spell starts over from the first delay.
   */
  refused() {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 100, maxMs: 5000 };
    const now = Date.now();
    this.delay =
      now - this.lastRefusal > 2 * Math.max(this.delay, initialMs)
        ? initialMs
        : Math.min(this.delay * 2, maxMs);
    this.lastRefusal = now;
    this.pausedUntil = now + this.delay;
  }

  private send(payload: Buffer, seq: number, samples: MetricTuple[]) {
    if (Date.now() < this.pausedUntil) {
      // Backing off: drop (the seq is used, so the collector will count the gap as lost).
      this.stats.dropped++;
      return;
    }
    if (this.inFlight >= this.options.maxInFlight) {
      // The socket is not keeping up: drop this datagram (its seq is used, so the collector
      // counts it lost) instead of queueing without bound.
      this.stats.dropped++;
      return;
    }
    this.inFlight++;
    // UDP has no short writes: the kernel takes the whole datagram or none of it (EMSGSIZE
    // beyond 65,507 bytes, ENOBUFS when its queue is full), unlike a TCP write. Node queues the
    // send until the socket is writable and calls back once; the in-flight count is our bound.
    this.options.onTrace?.(
      `-> seq=${this.packing.sequenced ? seq : '-'} ${payload.length} bytes ${samples.length} samples: ${samples.map(formatStatsd).join(' ')}`,
    );
    this.socket.send(payload, (error) => {
      this.inFlight--;
      if (error) {
        this.stats.errors++;
        if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') this.refused();
      } else {
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

  close(): Promise<void> {
    this.flush();
    return this.drained().then(
      () => new Promise<void>((resolve) => this.socket.close(() => resolve())),
    );
  }
}

/**
 * Opens a UDP socket connected to host:port and a Sender on it. connect() on UDP sends nothing:
 * it fixes the peer, so send() needs no address and the kernel hands us the ICMP errors about
 * that peer. An unconnected socket never hears them.
 */
export async function openSender(
  host: string,
  port: number,
  options: SenderOptions,
): Promise<Sender> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const sender = new Sender(socket, options);
  // ICMP port unreachable for an earlier datagram comes back as ECONNREFUSED on a later send, or
  // as an 'error' event: count it, back off, keep going (UDP has no connection to lose).
  socket.on('error', (error: NodeJS.ErrnoException) => {
    sender.stats.errors++;
    if (error.code === 'ECONNREFUSED') sender.refused();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    socket.close();
    throw error;
  }
  return sender;
}
