/** readFrames: an async iterator of frames over any Readable (net.Socket, tls.TLSSocket, ...). */
import type { Readable } from 'node:stream';
import type { FrameCodec, FrameDecoder } from './codec.ts';
import { type DirectSource, directSourceOf } from './connect-frames.ts';

/** Options for {@link readFrames}. */
export interface ReadFramesOptions {
  /**
   * Pause the stream while this many decoded frames wait for the consumer (default 1024).
   * This bounds memory to about one chunk plus `highWaterFrames` frames: a slow consumer
   * stops the socket reading, so TCP flow control pushes back on the sender.
   */
  highWaterFrames?: number;
}

/**
 * Iterate over the frames of a stream.
 *
 * Frames are views of the chunks the stream emitted (or fresh buffers for frames split
 * across chunks); Node never reuses socket chunks, so frames may be kept. Reads from
 * 'data' events rather than `read()`, so buffered chunks are never concatenated. Reading
 * starts at the first `next()`. Breaking out of the loop leaves the stream open and paused;
 * frames already read from it but not yet consumed are dropped, so use one reader per stream.
 *
 * @param stream - any Readable of Buffers; a Duplex such as a socket keeps its writable side
 * @param codec - the framing codec, e.g. `lengthPrefixed()`
 * @param options - queue bound, see {@link ReadFramesOptions}
 * @returns an async iterator that ends when the stream ends (or closes) between frames
 * @throws {FramingError} from the decoder: ERR_FRAME_TOO_LARGE, ERR_INVALID_HEADER, and
 *   ERR_TRUNCATED when the stream ends (or closes) inside a frame; stream errors (such as
 *   ECONNRESET) are rethrown as they are. Frames decoded before a failure come first.
 * @example
 * for await (const frame of readFrames(socket, lengthPrefixed())) {
 *   console.log(frame.toString('utf8'));
 * }
 */
export function readFrames(
  stream: Readable,
  codec: FrameCodec,
  options: ReadFramesOptions = {},
): AsyncIterableIterator<Buffer> {
  return new FrameReader(stream, codec, options.highWaterFrames ?? 1024, false);
}

/**
 * Like {@link readFrames}, but yields every frame available at once as an array (at least
 * one): one promise per socket read instead of one per frame, for the hot loops of servers
 * that receive many small frames.
 *
 * @param stream - any Readable of Buffers
 * @param codec - the framing codec
 * @param options - queue bound, see {@link ReadFramesOptions}
 * @returns an async iterator of non-empty frame arrays, in order
 * @throws {FramingError} as {@link readFrames}
 * @example
 * for await (const frames of readFrameBatches(socket, lengthPrefixed())) {
 *   for (const frame of frames) handle(frame);
 * }
 */
export function readFrameBatches(
  stream: Readable,
  codec: FrameCodec,
  options: ReadFramesOptions = {},
): AsyncIterableIterator<Buffer[]> {
  return new FrameReader(stream, codec, options.highWaterFrames ?? 1024, true);
}

type Waiter<T> = {
  resolve: (result: IteratorResult<T>) => void;
  reject: (error: unknown) => void;
};

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true });
const EMPTY = Buffer.alloc(0);

/**
 * A hand-written iterator rather than an async generator: handing over a queued frame is
 * one resolved promise, several times cheaper per frame than a generator's `yield`.
 * States: idle (not yet reading) -> reading -> finished (ended, failed or returned).
 */
class FrameReader<T> implements AsyncIterableIterator<T> {
  readonly #stream: Readable;
  /** Decodes 'data' chunks; null for a socket from connectFrames, which decodes as it reads. */
  readonly #decoder: FrameDecoder | null;
  readonly #direct: DirectSource | undefined;
  readonly #highWater: number;
  #queue: Buffer[] = [];
  #head = 0;
  #reading = false;
  #ended = false;
  #finished = false;
  #failure: unknown = null;
  #waiter: Waiter<T> | null = null;
  /** Hand over all queued frames as one array (readFrameBatches) rather than one by one. */
  readonly #batches: boolean;

  constructor(stream: Readable, codec: FrameCodec, highWater: number, batches: boolean) {
    this.#stream = stream;
    this.#direct = directSourceOf(stream);
    if (this.#direct !== undefined) checkDirect(this.#direct, codec);
    this.#decoder = this.#direct === undefined ? codec.createDecoder() : null;
    this.#highWater = highWater;
    this.#batches = batches;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#queue.length) {
      return Promise.resolve({ value: this.#take(), done: false });
    }
    if (this.#finished) return Promise.resolve(DONE);
    if (this.#failure !== null) {
      const failure = this.#failure;
      this.#finish();
      return Promise.reject(failure);
    }
    if (this.#ended) {
      this.#finish();
      return Promise.resolve(DONE);
    }
    if (this.#waiter !== null) return this.#waitTurn();
    if (!this.#reading) {
      this.#start();
      return this.next(); // the stream may already have ended or failed
    }
    this.#stream.resume();
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#finish();
    this.#queue = [];
    this.#head = 0;
    return Promise.resolve(DONE);
  }

  /** A second `next()` while one is pending runs after it (rare: for-await never does it). */
  async #waitTurn(): Promise<IteratorResult<T>> {
    await new Promise<void>((resolve) => {
      const previous = this.#waiter!;
      this.#waiter = {
        resolve: (result) => {
          previous.resolve(result);
          resolve();
        },
        reject: (error) => {
          previous.reject(error);
          resolve();
        },
      };
    });
    return this.next();
  }

  /** Called only with frames queued. T is Buffer[] for batches, Buffer otherwise. */
  #take(): T {
    const queue = this.#queue;
    const head = this.#head;
    if (this.#batches) {
      this.#queue = [];
      this.#head = 0;
      return (head === 0 ? queue : queue.slice(head)) as T;
    }
    const frame = queue[head]!;
    if (head + 1 < queue.length) {
      queue[head] = EMPTY; // let the frame be collected once the consumer drops it
      this.#head = head + 1;
    } else {
      queue.length = 0; // never handed out in this mode, so the array is reused
      this.#head = 0;
    }
    return frame as T;
  }

  #start(): void {
    this.#reading = true;
    const stream = this.#stream;
    if (this.#direct === undefined) stream.on('data', this.#onData);
    else this.#direct.attach({ onFrame: this.#enqueueDirect, onRead: this.#wake });
    stream.on('end', this.#onEnd);
    stream.on('close', this.#onEnd);
    stream.on('error', this.#onError);
    // A stream that already failed, ended or closed emits nothing more: settle from its state.
    if (stream.errored) this.#onError(stream.errored);
    if (stream.readableEnded || stream.destroyed) this.#onEnd();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (!this.#reading) return;
    const stream = this.#stream;
    stream.off('data', this.#onData);
    this.#direct?.attach(null);
    stream.off('end', this.#onEnd);
    stream.off('close', this.#onEnd);
    stream.off('error', this.#onError);
    if (!stream.destroyed) stream.pause();
  }

  #enqueue = (frame: Buffer): void => {
    this.#queue.push(frame);
  };

  /** A frame from connectFrames' reader; `#wake` follows once per read. */
  #enqueueDirect = (frame: Buffer): void => {
    this.#queue.push(frame);
    if (this.#queue.length - this.#head >= this.#highWater) this.#stream.pause();
  };

  #onData = (chunk: Buffer): void => {
    try {
      this.#decoder!.write(chunk, this.#enqueue);
    } catch (err) {
      this.#failure ??= err;
      this.#stream.pause();
    }
    // Bound the queue: a consumer slower than the socket pauses it (TCP pushes back).
    if (this.#queue.length - this.#head >= this.#highWater) this.#stream.pause();
    this.#wake();
  };

  #onEnd = (): void => {
    // A stream destroyed with an error (connectFrames on a truncated stream) also ends or
    // closes: its 'error' event, which follows, settles the reader.
    if (this.#ended || this.#stream.errored) return;
    this.#ended = true;
    try {
      // connectFrames checks its own end first, destroying the socket if it was truncated.
      this.#decoder?.end();
    } catch (err) {
      this.#failure ??= err;
    }
    this.#wake();
  };

  #onError = (err: unknown): void => {
    this.#failure ??= err;
    this.#wake();
  };

  /** Settle a pending `next()` if there is now something to give it. */
  #wake = (): void => {
    const waiter = this.#waiter;
    if (waiter === null) return;
    if (this.#head < this.#queue.length) {
      this.#waiter = null;
      waiter.resolve({ value: this.#take(), done: false });
    } else if (this.#failure !== null || this.#ended) {
      this.#waiter = null;
      this.next().then(waiter.resolve, waiter.reject);
    }
  };
}

/**
 * readFrames on a connectFrames socket decodes with the socket's codec, so they must agree;
 * and it keeps frames across reads, which a socket that reuses frame memory does not allow.
 */
function checkDirect(direct: DirectSource, codec: FrameCodec): void {
  if (direct.reuse)
    throw new TypeError('frames of a connectFrames socket with reuse cannot be queued');
  const socketCodec = direct.codec;
  if (socketCodec.name !== codec.name || socketCodec.maxFrameSize !== codec.maxFrameSize) {
    throw new TypeError(
      `the socket was made by connectFrames with codec ${socketCodec.name} (max ${socketCodec.maxFrameSize}), not ${codec.name} (max ${codec.maxFrameSize})`,
    );
  }
}
