/** Per-connection outbound queue: bounded, honouring the socket's backpressure, written once per tick. */
import type { Socket } from 'node:net';
import type { Flushable, Flusher } from './flusher.ts';

/** Who is told when an outbox gives up on its reader. */
export interface OutboxOwner {
  /** Gave up on this reader (its queue reached the bound): called once; later frames drop. */
  overflow(queuedBytes: number): void;
}

/** A drain writes at most this much at once, so a slow reader's progress shows as 'drain's. */
const DRAIN_SLICE = 64 * 1024;
/** Larger writes go out in pieces of this size, each saying when the kernel has taken it. */
const WRITE_SLICE = 16 * 1024;

/**
 * Frames waiting to be written. The bound covers this queue plus the bytes Node already holds
 * for the socket (`writableLength`): a reader that stops reading must not make the server
 * hold its lines without end. At `maxBytes` the reader is given up (`overflow`). The server's
 * sessions use `WatchedOutbox` (outbox-watch.ts), which tells one behind from one that stopped.
 */
export class Outbox implements Flushable {
  #frames: Buffer[] = [];
  #bytes = 0;
  /** The socket's `writableLength` at the first frame since the last flush. */
  #held = 0;
  #marked = false;
  /** `write()` returned false: Node holds a batch; the rest waits here for 'drain'. */
  #blocked = false;
  #dead = false;

  constructor(
    private readonly socket: Socket,
    private readonly flusher: Flusher,
    readonly maxBytes: number,
    private readonly owner: OutboxOwner,
  ) {
    socket.on('drain', this.#onDrain);
  }

  /** Bytes not yet handed to the kernel: ours plus Node's. */
  get queuedBytes(): number {
    return this.socket.writableLength + this.#bytes;
  }

  /** Queues a frame for this tick's write; false when it was dropped (given up, or gone). */
  push(frame: Buffer): boolean {
    if (this.#dead) return false;
    if (!this.#marked) {
      // First frame this tick: ask the flusher for a write once this turn of the event loop
      // ends. Node's share is read here only: until we write, it can only shrink.
      if (this.socket.destroyed) return false;
      this.#held = this.socket.writableLength;
      if (this.#held === 0 && this.#bytes === 0) this.idle();
      this.#marked = true;
      this.flusher.mark(this);
    }
    const queued = this.#held + this.#bytes + frame.length;
    if (!this.admit(queued)) {
      this.#dead = true;
      this.#frames = [];
      this.#bytes = 0;
      this.owner.overflow(queued);
      return false;
    }
    this.flusher.queued++;
    this.#frames.push(frame);
    this.#bytes += frame.length;
    return true;
  }

  /** May the queue grow to `queued` bytes? The bound; the watch (outbox-watch.ts) adds more. */
  protected admit(queued: number): boolean {
    return queued <= this.maxBytes;
  }

  /** Hooks for the watch: nothing was pending at a tick's first frame; the socket took bytes. */
  protected idle(): void {}
  protected progress(): void {}

  /** Writes everything queued as one chunk, unless the socket is full. Called by the Flusher. */
  flush(): void {
    this.#marked = false;
    if (this.#frames.length === 0 || this.#blocked) return; // 'drain' writes them
    const frames = this.#frames;
    const bytes = this.#bytes;
    this.#frames = [];
    this.#bytes = 0;
    if (this.socket.destroyed) return; // gone since this tick's first frame: drop, keep nothing
    // One write per tick, not one per frame: each write() can cost a syscall. The join is a
    // Buffer.concat (flusher.ts reuses it for the next member holding the same frames).
    this.#write(frames.length === 1 ? frames[0]! : this.flusher.join(frames, bytes));
  }

  #write(chunk: Buffer): void {
    // There are no short writes in Node: write() takes the whole chunk, hands the kernel what
    // fits in the socket's send buffer and keeps the rest. Its return value is the signal:
    // false means Node now holds at least its highWaterMark (16 KiB) for this socket, because
    // the peer reads slower than we write; 'drain' comes once the kernel has taken it all.
    let room = true;
    if (chunk.length <= WRITE_SLICE) room = this.socket.write(chunk);
    else {
      // A backlog goes out in slices, each with a callback once the kernel has taken it, so a
      // reader that reads slowly shows progress every slice, not only once all of it is gone
      // ('drain'); Node's writableLength drops only when a whole write is done.
      for (let at = 0; at < chunk.length; at += WRITE_SLICE) {
        room = this.socket.write(chunk.subarray(at, at + WRITE_SLICE), this.#tookSlice);
      }
    }
    if (room) this.progress();
    else this.#blocked = true;
  }

  readonly #tookSlice = (err?: Error | null): void => {
    if (!err && !this.#dead && !this.socket.destroyed) this.progress();
  };

  readonly #onDrain = (): void => {
    this.#blocked = false;
    if (this.#dead || this.socket.destroyed) return;
    // Node's buffer is empty: hand it the waiting frames a slice at a time, until full again.
    while (this.#frames.length > 0 && !this.#blocked) {
      let n = 0;
      let size = 0;
      const frames = this.#frames;
      while (n < frames.length && (n === 0 || size + frames[n]!.length <= DRAIN_SLICE)) {
        size += frames[n++]!.length;
      }
      const part = frames.splice(0, n);
      this.#bytes -= size;
      this.#write(n === 1 ? part[0]! : Buffer.concat(part, size));
    }
    this.progress();
  };

  /**
   * Last frames (kick reason, bye), past the bound, then the end of the stream. `drop`
   * discards what is still queued here first, so the reason is next after Node's batch.
   */
  finish(last: Buffer[], { drop }: { drop: boolean }): void {
    const frames = drop ? [] : this.#frames;
    this.#dead = true;
    this.#frames = [];
    this.#bytes = 0;
    if (this.socket.destroyed) return;
    // end() is a half-close: the bytes go out, then a FIN says we send no more. The peer can
    // still write until it closes its side (the caller destroys the socket if it never does).
    this.socket.end(Buffer.concat([...frames, ...last]));
  }
}
