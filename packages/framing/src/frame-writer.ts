/** FrameWriter: frames onto a socket (any Writable), waiting for 'drain' when write() says so. */
import type { Writable } from 'node:stream';
import type { FrameCodec } from './codec.ts';
import { FramingError } from './errors.ts';

/**
 * Write frames to a stream. `write()` resolves at once while the stream takes more (its
 * `write()` returned true), else on `'drain'`: so `await writer.write(x)` in a loop never
 * buffers more than the stream's high-water mark plus one frame, however slow the peer.
 *
 * @example
 * const writer = new FrameWriter(socket, lengthPrefixed());
 * for (const payload of payloads) await writer.write(payload);
 * await writer.end();
 */
export class FrameWriter {
  readonly #stream: Writable;
  readonly #codec: FrameCodec;
  /** One wait per writer, shared by every write waiting for the same 'drain'. */
  #drain: Promise<void> | undefined;

  /**
   * @param stream - a socket or any Writable (a Duplex keeps its readable side)
   * @param codec - the framing, e.g. `lengthPrefixed()`
   */
  constructor(stream: Writable, codec: FrameCodec) {
    this.#stream = stream;
    this.#codec = codec;
  }

  /**
   * Encode and write one frame (header and payload in one buffer: one write, one copy).
   * @param payload - the frame's contents
   * @returns resolves when the stream can take more
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_DELIMITER_IN_PAYLOAD; rejects with
   *   ERR_STREAM_CLOSED when the stream is closed or closes while the write waits
   */
  write(payload: Uint8Array): Promise<void> {
    const stream = this.#stream;
    if (stream.destroyed || stream.writableEnded) {
      return Promise.reject(closed('write to a closed stream', stream.errored));
    }
    let frame: Buffer;
    try {
      frame = this.#codec.encode(payload);
    } catch (err) {
      return Promise.reject(err);
    }
    // false: Node now holds at least its high-water mark for this stream (the kernel's
    // buffer is full). The frame is queued anyway; the caller must wait for 'drain'.
    return stream.write(frame) ? Promise.resolve() : this.#waitDrain();
  }

  /**
   * End the stream's writable side once everything queued is flushed (TCP sends FIN).
   * @returns resolves on 'finish'
   * @throws {FramingError} rejects with ERR_STREAM_CLOSED when the stream closes first
   */
  end(): Promise<void> {
    const stream = this.#stream;
    if (stream.writableFinished) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const settle = () => {
        stream.off('finish', settle);
        stream.off('close', settle);
        if (stream.writableFinished) resolve();
        else reject(closed('stream closed before its writes were flushed', stream.errored));
      };
      stream.on('finish', settle);
      stream.on('close', settle);
      stream.end();
    });
  }

  #waitDrain(): Promise<void> {
    this.#drain ??= new Promise<void>((resolve, reject) => {
      const stream = this.#stream;
      const settle = (err?: FramingError) => {
        stream.off('drain', onDrain);
        stream.off('close', onClose);
        stream.off('error', onError);
        this.#drain = undefined;
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => settle();
      const onClose = () => settle(closed('stream closed while waiting for drain', stream.errored));
      const onError = (cause: unknown) =>
        settle(closed('stream failed while waiting for drain', cause));
      stream.on('drain', onDrain);
      stream.on('close', onClose);
      stream.on('error', onError);
    });
    return this.#drain;
  }
}

function closed(message: string, cause: unknown): FramingError {
  return new FramingError('ERR_STREAM_CLOSED', message, { cause: cause ?? undefined });
}
