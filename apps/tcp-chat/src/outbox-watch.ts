/** The slow-reader watch over an outbox: backlog and over-bound marks, the drain clock, the high-water mark. */
import type { Socket } from 'node:net';
import type { Flusher } from './flusher.ts';
import { Outbox, type OutboxOwner } from './outbox.ts';

/** What a watched outbox asks of its session when its queue grows (session.ts has the policy). */
export interface WatchedOwner extends OutboxOwner {
  /** The queue passed half of `maxBytes`: true keeps it (the peer still reads), false gives up. */
  tolerate(queuedBytes: number): boolean;
  /** The queue crossed the backlog mark upwards (true) or drained back under half of it. */
  backlog(up: boolean): void;
  /** The queue went past half of `maxBytes` and was kept (true), or came back under it. */
  overBound(up: boolean): void;
}

/**
 * Which reader is slow cannot be told from queue sizes alone (the kernel buffers megabytes per
 * socket, more for some than for others), so this watches progress: past half of `maxBytes`
 * the owner decides, and a reader that has stopped reading is given up while one still
 * reading is kept, its rooms' senders paused. At `maxBytes` it is given up whatever it does.
 */
export class WatchedOutbox extends Outbox {
  #over = false;
  /** At or over an eighth of `maxBytes` (until it drains under half of that). */
  backedUp = false;
  /** When the socket last drained (or took a write whole), or when it backed up. */
  lastDrain = performance.now();
  /** Highest queued byte count seen, for the tests that prove the bound holds. */
  highWater = 0;
  /** Past this, the reader must still be draining to be kept, and its rooms' senders wait. */
  readonly overMark: number;
  readonly backlogMark: number;

  constructor(
    socket: Socket,
    flusher: Flusher,
    maxBytes: number,
    private readonly watcher: WatchedOwner,
  ) {
    super(socket, flusher, maxBytes, watcher);
    this.overMark = maxBytes / 2;
    this.backlogMark = maxBytes / 8;
  }

  /** Past half of `maxBytes`, kept because it is still reading. */
  get over(): boolean {
    return this.#over;
  }

  protected override admit(queued: number): boolean {
    if (queued > this.overMark && !this.#keep(queued)) return false;
    if (queued > this.highWater) this.highWater = queued;
    if (queued >= this.backlogMark && !this.backedUp) {
      this.backedUp = true;
      this.lastDrain = performance.now(); // the stall clock starts now
      this.watcher.backlog(true);
    }
    return true;
  }

  #keep(queued: number): boolean {
    if (queued > this.maxBytes || !(this.#over || this.watcher.tolerate(queued))) return false;
    if (!this.#over) {
      this.#over = true;
      this.watcher.overBound(true);
    }
    return true;
  }

  /** Nothing was pending: nothing could drain, so the drain clock starts now. */
  protected override idle(): void {
    this.lastDrain = performance.now();
  }

  /** Clears the backlog and over flags once the queue is low enough. */
  protected override progress(): void {
    this.lastDrain = performance.now();
    const queued = this.queuedBytes;
    if (this.#over && queued <= this.overMark) {
      this.#over = false;
      this.watcher.overBound(false);
    }
    if (this.backedUp && queued < this.backlogMark / 2) {
      this.backedUp = false;
      this.watcher.backlog(false);
    }
  }
}
