/** The once-per-tick flusher: every outbox that got frames this tick is written on the next turn. */

/** What the flusher may pause: a session's reading, for a named reason (see Session.hold). */
export interface Holdable {
  hold(reason: string): void;
  unhold(reason: string): void;
}

/** What the flusher writes: an outbox (see outbox.ts). */
export interface Flushable {
  flush(): void;
}

/**
 * Collects every outbox that received frames during this tick and writes each one's pending
 * frames with a single `socket.write` on the next `setImmediate`. A message fanned out to 100
 * members thus costs 100 writes per tick in total, not 100 writes per message: that batching is
 * what lets one process deliver millions of frames per second.
 */
export class Flusher {
  readonly #dirty = new Set<Flushable>();
  readonly #held = new Set<Holdable>();
  #scheduled = false;
  /** The list of frames joined last during this flush, and its join. */
  #lastJoin: { frames: Buffer[]; joined: Buffer } | undefined;
  /** Frames queued since the last flush. */
  queued = 0;
  /**
   * Set while the event loop lags (see `watchLag`): every reader is then paused until the
   * next flush, as over budget, so a server that falls behind on CPU reads less.
   */
  lagging = false;

  /**
   * @param budget frames one tick may queue before readers are paused until the flush: under
   *   overload the server then reads input only as fast as it can fan it out, and TCP pushes
   *   back on the senders, instead of buffering millions of frames and collapsing in GC.
   */
  constructor(readonly budget = 20_000) {}

  mark(box: Flushable): void {
    this.#dirty.add(box);
    this.#schedule();
  }

  /** Called after each chunk a session reads: pauses it until the flush if this tick is full. */
  throttle(reader: Holdable): void {
    if (this.queued < this.budget && !this.lagging) return;
    reader.hold('tick');
    this.#held.add(reader);
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
    const held = [...this.#held];
    this.#held.clear();
    for (const reader of held) reader.unhold('tick');
  };

  /**
   * Samples the event loop's delay every `everyMs`: a timer that fires more than `maxLagMs`
   * late means the process is behind on CPU, and `lagging` pauses readers until it catches up.
   * Returns a function that stops the sampling.
   */
  watchLag(everyMs = 50, maxLagMs = 100): () => void {
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      this.lagging = now - last - everyMs > maxLagMs;
      last = now;
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

/** Whether two lists hold the same frame objects in the same order (identity, not bytes). */
function sameFrames(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length || a[a.length - 1] !== b[b.length - 1]) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
