/** readFrames: the frames of a socket (any Readable) as an async generator, with backpressure. */
import type { Readable } from 'node:stream';
import type { FrameCodec } from './codec.ts';

/** Options for {@link readFrames}. */
export interface ReadFramesOptions {
  /**
   * Pause the stream once this many frames wait for the consumer (default 1024). Memory
   * stays near one chunk plus this many frames, and a paused socket stops reading, so the
   * kernel's receive buffer fills and TCP's window tells the sender to wait.
   */
  highWaterFrames?: number;
}

/**
 * Iterate over the frames of a stream. Reading starts at the first `next()`; the loop ends
 * when the stream ends (or closes) between frames. Frames decoded before a failure come
 * first. `break` leaves the stream open and paused, dropping frames read but not taken.
 *
 * @param stream - a socket or any Readable of Buffers (a Duplex keeps its writable side)
 * @param codec - the framing, e.g. `lengthPrefixed()`
 * @param options - see {@link ReadFramesOptions}
 * @returns an async generator of frames (may be kept: see FrameDecoder)
 * @throws {FramingError} ERR_FRAME_TOO_LARGE, and ERR_TRUNCATED when the stream ends
 *   inside a frame; a stream's own error (ECONNRESET) as it is
 * @example
 * for await (const frame of readFrames(socket, lengthPrefixed())) console.log(String(frame));
 */
export async function* readFrames(
  stream: Readable,
  codec: FrameCodec,
  options: ReadFramesOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const highWater = options.highWaterFrames ?? 1024;
  const decoder = codec.createDecoder();
  let queue: Buffer[] = [];
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const enqueue = (frame: Buffer) => queue.push(frame);
  const onData = (chunk: Buffer) => {
    try {
      decoder.write(chunk, enqueue);
    } catch (err) {
      failure ??= err;
    }
    // The bound: a consumer slower than the socket stops it reading.
    if (queue.length >= highWater || failure !== undefined) stream.pause();
    notify();
  };
  const onEnd = () => {
    // A stream destroyed with an error also closes; its 'error' is what counts.
    if (stream.errored) failure ??= stream.errored;
    else if (!ended) {
      try {
        decoder.end(); // ERR_TRUNCATED when the peer stopped inside a frame
      } catch (err) {
        failure ??= err;
      }
    }
    ended = true;
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
  // A stream that already failed or ended emits nothing more: settle from its state.
  if (stream.errored || stream.readableEnded || stream.destroyed) onEnd();
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue; // one array per read, not one allocation per frame
        queue = [];
        for (const frame of batch) yield frame;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) return;
      stream.resume(); // everything read is taken: read more
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
