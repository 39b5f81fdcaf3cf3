/** Per-connection outbound queue, flushed once per tick for every connection at once. */
import type { Socket } from 'node:net';

/**
 * Collects every outbox that received frames during this tick and writes each one's pending
 * frames with a single `socket.write` on the next `setImmediate`. A message fanned out to 100
 * members thus costs 100 writes per tick in total, not 100 writes per message: that batching is
 * what lets one process deliver millions of frames per second.
 */
export class Flusher {
  readonly #dirty = new Set<Outbox>();
  readonly #paused = new Set<Socket>();
  #scheduled = false;
  /** Frames queued since the last flush. */
  queued = 0;

  /**
   * @param budget frames one tick may queue before readers are paused until the flush: under
   *   overload the server then reads input only as fast as it can fan it out, and TCP pushes
   *   back on the senders, instead of buffering millions of frames and collapsing in GC.
   */
  constructor(readonly budget = 20_000) {}

  mark(box: Outbox): void {
    this.#dirty.add(box);
    this.#schedule();
  }

  /** Called after each chunk a session reads: pauses that socket if this tick is over budget. */
  throttle(socket: Socket): void {
    if (this.queued < this.budget) return;
    socket.pause();
    this.#paused.add(socket);
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    this.queued = 0;
    const boxes = [...this.#dirty];
    this.#dirty.clear();
    for (const box of boxes) box.flush();
    const paused = [...this.#paused];
    this.#paused.clear();
    for (const socket of paused) if (!socket.destroyed) socket.resume();
  };
}

/** Why an outbox gave up: the peer stopped reading and its queue reached the bound. */
export type OverflowHandler = (queuedBytes: number) => void;

/**
 * Frames waiting for the next flush. The bound covers both this queue and the bytes Node
 * already holds for the socket (`writableLength`): when a slow reader pushes the sum past
 * `maxBytes`, `onOverflow` runs once and every later frame is dropped. The server then kicks
 * the connection, so one client that stops reading never slows the room or grows memory.
 */
export class Outbox {
  #frames: Buffer[] = [];
  #bytes = 0;
  #overflowed = false;
  /** Highest queued byte count seen, for the tests that prove the bound holds. */
  highWater = 0;

  constructor(
    private readonly socket: Socket,
    private readonly flusher: Flusher,
    readonly maxBytes: number,
    private readonly onOverflow: OverflowHandler,
  ) {}

  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Queues a frame; returns false when it was dropped (overflowed or socket gone). */
  push(frame: Buffer): boolean {
    if (this.#overflowed || this.socket.destroyed) return false;
    const queued = this.socket.writableLength + this.#bytes + frame.length;
    if (queued > this.maxBytes) {
      this.#overflowed = true;
      this.#frames = [];
      this.#bytes = 0;
      this.onOverflow(queued);
      return false;
    }
    if (queued > this.highWater) this.highWater = queued;
    if (this.#frames.length === 0) this.flusher.mark(this);
    this.flusher.queued++;
    this.#frames.push(frame);
    this.#bytes += frame.length;
    return true;
  }

  /** Writes everything queued as one chunk. Called by the Flusher. */
  flush(): void {
    const frames = this.#frames;
    if (frames.length === 0 || this.socket.destroyed) return;
    this.#frames = [];
    this.#bytes = 0;
    // One concat + one write beats N writes: each write is a syscall once the socket drains.
    this.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  /** Writes a final frame after whatever is queued, bypassing the bound (bye, kick reason). */
  last(frame: Buffer): void {
    this.flush();
    if (!this.socket.destroyed) this.socket.write(frame);
  }
}
