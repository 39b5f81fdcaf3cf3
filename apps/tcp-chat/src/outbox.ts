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
  /** The list of frames joined last during this flush, and its join. */
  #lastJoin: { frames: Buffer[]; joined: Buffer } | undefined;
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

  /**
   * Joins frames into one buffer. The members of a room hold the very same frames, and the
   * flush visits them one after another: a list equal to the one before reuses its join, so a
   * room's batch is copied once per tick instead of once per member. (Sockets never modify
   * what they write, so one buffer can go to every member.)
   */
  join(frames: Buffer[], bytes: number): Buffer {
    const last = this.#lastJoin;
    if (last !== undefined && sameFrames(last.frames, frames)) return last.joined;
    const joined = Buffer.concat(frames, bytes);
    this.#lastJoin = { frames, joined };
    return joined;
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    this.queued = 0;
    const boxes = [...this.#dirty];
    this.#dirty.clear();
    for (const box of boxes) box.flush();
    this.#lastJoin = undefined; // written: nothing to keep
    const paused = [...this.#paused];
    this.#paused.clear();
    for (const socket of paused) if (!socket.destroyed) socket.resume();
  };
}

/** Whether two lists hold the same frame objects in the same order (identity, not bytes). */
function sameFrames(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length || a[a.length - 1] !== b[b.length - 1]) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
  /** The socket's `writableLength` at this tick's first frame. */
  #held = 0;
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

  /**
   * Queues a frame; returns false when it was dropped (overflowed, or the socket was gone at
   * this tick's first frame: the flush skips a socket destroyed since).
   */
  push(frame: Buffer): boolean {
    if (this.#overflowed) return false;
    const first = this.#frames.length === 0;
    if (first) {
      // Read the socket once per tick, not once per frame (a room of 100 at 70,000 lines/s
      // pushes 7 million frames a second): until our next write, the bytes Node holds for
      // it can only shrink, so the figure read here stays an upper bound.
      if (this.socket.destroyed) return false;
      this.#held = this.socket.writableLength;
    }
    const queued = this.#held + this.#bytes + frame.length;
    if (queued > this.maxBytes) {
      this.#overflowed = true;
      this.#frames = [];
      this.#bytes = 0;
      this.onOverflow(queued);
      return false;
    }
    if (queued > this.highWater) this.highWater = queued;
    if (first) this.flusher.mark(this);
    this.flusher.queued++;
    this.#frames.push(frame);
    this.#bytes += frame.length;
    return true;
  }

  /** Writes everything queued as one chunk. Called by the Flusher. */
  flush(): void {
    const frames = this.#frames;
    const bytes = this.#bytes;
    if (frames.length === 0) return;
    this.#frames = [];
    this.#bytes = 0;
    if (this.socket.destroyed) return; // gone since this tick's first frame: drop, keep nothing
    // One join + one write beats N writes: each write is a syscall once the socket drains.
    this.socket.write(frames.length === 1 ? frames[0]! : this.flusher.join(frames, bytes));
  }

  /** Writes a final frame after whatever is queued, bypassing the bound (bye, kick reason). */
  last(frame: Buffer): void {
    this.flush();
    if (!this.socket.destroyed) this.socket.write(frame);
  }
}
