/** readFrames: an async iterator of frames over any Readable (net.Socket, tls.TLSSocket, ...). */
import type { Readable } from 'node:stream';
import type { FrameCodec } from './codec.ts';

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
 * 'data' events rather than `read()`, so buffered chunks are never concatenated.
 * Breaking out of the loop leaves the stream open and paused; frames already read from it
 * but not yet consumed are dropped, so use one reader per stream.
 *
 * @param stream - any Readable; a Duplex such as a socket keeps its writable side
 * @param codec - the framing codec, e.g. `lengthPrefixed()`
 * @param options - queue bound, see {@link ReadFramesOptions}
 * @returns an async iterable that ends when the stream ends between frames
 * @throws {FramingError} from the decoder: ERR_FRAME_TOO_LARGE, ERR_INVALID_HEADER, and
 *   ERR_TRUNCATED when the stream ends (or closes) inside a frame; stream errors (such as
 *   ECONNRESET) are rethrown as they are
 * @example
 * for await (const frame of readFrames(socket, lengthPrefixed())) {
 *   console.log(frame.toString('utf8'));
 * }
 */
export async function* readFrames(
  stream: Readable,
  codec: FrameCodec,
  options: ReadFramesOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const highWater = options.highWaterFrames ?? 1024;
  const decoder = codec.createDecoder();
  let queue: Buffer[] = [];
  let head = 0;
  let done = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const enqueue = (frame: Buffer) => {
    queue.push(frame);
  };
  const onData = (chunk: Buffer) => {
    try {
      decoder.write(chunk, enqueue);
    } catch (err) {
      failure = err;
      stream.pause();
    }
    if (queue.length - head >= highWater) stream.pause();
    notify();
  };
  const onEnd = () => {
    if (done) return;
    done = true;
    try {
      decoder.end();
    } catch (err) {
      failure ??= err;
    }
    notify();
  };
  const onError = (err: unknown) => {
    failure ??= err;
    notify();
  };
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('close', onEnd);
  stream.on('error', onError);
  try {
    for (;;) {
      if (head < queue.length) {
        // Hand over the batch first, then read more: frames decoded before a failure are
        // still delivered, in order.
        const frame = queue[head]!;
        queue[head++] = EMPTY;
        if (head === queue.length) {
          queue = [];
          head = 0;
          if (failure === null && !done) stream.resume();
        }
        yield frame;
        continue;
      }
      if (failure !== null) throw failure;
      if (done) return;
      stream.resume();
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('close', onEnd);
    stream.off('error', onError);
    if (!stream.destroyed) stream.pause();
  }
}

const EMPTY = Buffer.alloc(0);
