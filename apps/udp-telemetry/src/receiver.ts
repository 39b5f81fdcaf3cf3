/** The receive path: a UDP socket with a big SO_RCVBUF feeding a bounded queue drained off the read path. */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface ReceiverOptions {
  host: string;
  port: number;
  /** SO_RCVBUF to ask for, bytes. */
  receiveBuffer: number;
  /** Datagrams the queue holds before it drops (and counts) new ones. */
  queueSize: number;
  /** Handles one datagram, called from the drain, never from the socket's read callback. */
  onDatagram: (msg: Buffer, rinfo: dgram.RemoteInfo) => void;
  /** Whether to queue a datagram from this sender at all (--allow-from); false drops it here. */
  admit?: (rinfo: dgram.RemoteInfo) => boolean;
  onWarning: (message: string) => void;
}

/** Datagrams handled per drain turn before yielding back to the socket reads. */
const DRAIN_BATCH = 512;

export class Receiver {
  readonly socket: dgram.Socket;
  datagrams = 0;
  bytes = 0;
  queueDropped = 0;
  receiveBuffer = 0;
  private readonly msgs: (Buffer | undefined)[];
  private readonly infos: (dgram.RemoteInfo | undefined)[];
  private head = 0;
  private length = 0;
  private scheduled = false;
  private listening = false;

  constructor(private readonly options: ReceiverOptions) {
    this.msgs = new Array(options.queueSize);
    this.infos = new Array(options.queueSize);
    const type = options.host.includes(':') ? 'udp6' : 'udp4';
    // SO_RCVBUF: the bytes of datagrams the kernel holds for us until we read them. Each one is
    // charged with its bookkeeping (~830 bytes for a small datagram), so 8 MiB holds ~10,000
    // small ones. When it is full the kernel drops the next datagram and tells nobody.
    this.socket = dgram.createSocket({ type, recvBufferSize: options.receiveBuffer });
    // One 'message' per datagram, whole: UDP keeps message boundaries (TCP would not), and Node
    // reads into a 64 KiB buffer, so no datagram is ever cut short.
    this.socket.on('message', (msg, rinfo) => this.enqueue(msg, rinfo));
  }

  /** The read callback does the least it can: count, queue, and make sure a drain is coming. */
  private enqueue(msg: Buffer, rinfo: dgram.RemoteInfo) {
    this.datagrams++;
    this.bytes += msg.length;
    // Refused before the queue, so a sender that is not allowed cannot crowd out one that is.
    // It has still cost a place in the kernel's buffer: only a firewall saves that.
    if (this.options.admit && !this.options.admit(rinfo)) return;
    const size = this.msgs.length;
    if (this.length === size) {
      // Full: parsing is behind by queueSize datagrams. Dropping the newest keeps memory
      // bounded; the count makes the loss visible in /metrics instead of silent.
      this.queueDropped++;
      return;
    }
    const tail = (this.head + this.length) % size;
    this.msgs[tail] = msg;
    this.infos[tail] = rinfo;
    this.length++;
    if (!this.scheduled) {
      this.scheduled = true;
      // setImmediate runs after the poll phase, so pending reads are taken first.
      setImmediate(this.drain);
    }
  }

  private readonly drain = () => {
    this.scheduled = false;
    const size = this.msgs.length;
    const n = Math.min(this.length, DRAIN_BATCH);
    for (let i = 0; i < n; i++) {
      const msg = this.msgs[this.head]!;
      const rinfo = this.infos[this.head]!;
      this.msgs[this.head] = undefined;
      this.infos[this.head] = undefined;
      this.head = (this.head + 1) % size;
      this.length--;
      this.options.onDatagram(msg, rinfo);
    }
    if (this.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  };

  get queueDepth() {
    return this.length;
  }

  /** Handles everything still queued now (used before a final flush). */
  drainAll() {
    while (this.length > 0) this.drain();
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(this.options.port, this.options.host, () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
    this.listening = true;
    // Linux caps the request at net.core.rmem_max, then doubles it (room for its bookkeeping),
    // so a granted size below twice the request means the cap was hit.
    this.receiveBuffer = this.socket.getRecvBufferSize();
    const expected = this.options.receiveBuffer * (process.platform === 'linux' ? 2 : 1);
    if (this.receiveBuffer < expected) {
      const max = readRmemMax();
      this.options.onWarning(
        `receive buffer capped: asked for ${this.options.receiveBuffer} bytes, the kernel granted ` +
          `${this.receiveBuffer}${max === undefined ? '' : ` (net.core.rmem_max is ${max})`}; ` +
          `raise the cap with: sysctl -w net.core.rmem_max=${this.options.receiveBuffer}`,
      );
    }
    return this.socket.address();
  }

  close(): Promise<void> {
    this.listening = false;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  /** Why the receive path is unhealthy (not listening, parsing behind by half the queue), or ''. */
  problem(): string {
    if (!this.listening) return 'not listening';
    if (this.length >= this.msgs.length / 2)
      return `parse queue ${this.length}/${this.msgs.length} full`;
    return '';
  }

  /** Datagrams the kernel dropped for this socket (its receive buffer was full), from /proc/net/udp. */
  kernelDrops(): number | undefined {
    const { address, port, family } = this.socket.address();
    return kernelDrops(port, family === 'IPv6' || address.includes(':'));
  }
}

function readRmemMax(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim());
  } catch {
    return undefined;
  }
}

/**
 * /proc/net/udp{,6} has one line per socket; the local port is the hex after the ':' in the
 * second column and the last column counts datagrams dropped because the buffer was full.
 */
export function kernelDrops(port: number, ipv6: boolean): number | undefined {
  let text: string;
  try {
    text = readFileSync(ipv6 ? '/proc/net/udp6' : '/proc/net/udp', 'utf8');
  } catch {
    return undefined;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let drops: number | undefined;
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1]?.endsWith(`:${hexPort}`)) drops = (drops ?? 0) + Number(cols[cols.length - 1]);
  }
  return drops;
}
