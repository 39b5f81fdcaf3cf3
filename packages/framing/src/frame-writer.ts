/** FrameWriter: writes frames to any Writable without concatenation copies, honouring backpressure. */
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { FrameCodec } from './codec.ts';
import { FramingError } from './errors.ts';
import { PACK_LIMIT, PackedPart, takeSlab } from './pack-pool.ts';

/** Options for {@link FrameWriter}. */
export interface FrameWriterOptions {
  /**
   * Payloads up to this size (default 4096 bytes) are copied with their header into one
   * buffer; larger ones are written as header + payload under `cork()`, which Node turns
   * into one `writev` without a copy. Measured on loopback TCP (sender CPU per byte): at
   * 1 KiB packing copies wins by 1.0-1.2x, at 16 KiB the two-part write by 1.3-1.5x, and
   * they cross near 4 KiB, where the kernel's cost per iovec meets the copy's.
   */
  copyThreshold?: number;
}

/**
 * Write frames to a stream. Each write resolves once the stream can take more: at once
 * when `write()` returned true, else on 'drain'. So `await writer.write(x)` in a loop never
 * buffers more than the stream's highWaterMark plus one frame.
 *
 * @example
 * const writer = new FrameWriter(socket, lengthPrefixed());
 * await writer.write(Buffer.from('hello'));
 * await writer.writeMany([a, b, c]); // one writev, no concatenation
 */
export class FrameWriter {
  readonly #stream: Writable;
  readonly #codec: FrameCodec;
  readonly #copyThreshold: number;
  readonly #recycle: boolean;
  #drain: Promise<void> | null = null;
  /**
   * Packed parts handed to the stream, oldest first. Writable calls write callbacks in
   * order, so one shared callback can release them from the front: with the same callback
   * on every write Node counts completions instead of scheduling a tick per batch.
   */
  #inflight: PackedPart[] = [];
  #head = 0;
  readonly #onPackedWritten = (): void => {
    const part = this.#inflight[this.#head];
    this.#inflight[this.#head++] = undefined as unknown as PackedPart;
    if (this.#head === this.#inflight.length) {
      this.#inflight = [];
      this.#head = 0;
    }
    part?.release();
  };

  /**
   * @param stream - any Writable; a Duplex such as a socket keeps its readable side
   * @param codec - the framing codec, e.g. `lengthPrefixed()`
   * @param options - see {@link FrameWriterOptions}
   */
  constructor(stream: Writable, codec: FrameCodec, options: FrameWriterOptions = {}) {
    this.#stream = stream;
    this.#codec = codec;
    this.#copyThreshold = options.copyThreshold ?? 4096;
    // Only a plain TCP/IPC socket is known to be done with a buffer when its write callback
    // runs (libuv has handed it to the kernel, or failed); a TLS socket or a user's Writable
    // (a PassThrough pushes the very chunk to its reader) may still hold it.
    this.#recycle = Object.getPrototypeOf(stream) === Socket.prototype;
  }

  /** The codec frames are encoded with. */
  get codec(): FrameCodec {
    return this.#codec;
  }

  /**
   * Encode and write one frame.
   * @param payload - frame contents
   * @returns resolves when the stream can take more data
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_DELIMITER_IN_PAYLOAD, and
   *   ERR_STREAM_CLOSED (rejects) when the stream is closed or closes while waiting
   */
  write(payload: Uint8Array): Promise<void> {
    const closed = this.#closedError();
    if (closed) return Promise.reject(closed);
    const stream = this.#stream;
    let ok: boolean;
    if (payload.length <= this.#copyThreshold) {
      ok = stream.write(this.#codec.encode(payload));
    } else {
      stream.cork();
      for (const part of this.#codec.encodeParts(payload)) ok = stream.write(part);
      stream.uncork();
      ok = belowHighWater(stream);
    }
    return ok ? Promise.resolve() : this.#waitDrain();
  }

  /**
   * Write an already encoded frame (from `codec.encode`), e.g. one frame fanned out to
   * many sockets: encode once, `writeEncoded` on each writer.
   * @param frame - bytes produced by `codec.encode`
   * @returns resolves when the stream can take more data
   * @throws {FramingError} ERR_STREAM_CLOSED (rejects)
   */
  writeEncoded(frame: Uint8Array): Promise<void> {
    const closed = this.#closedError();
    if (closed) return Promise.reject(closed);
    return this.#stream.write(frame) ? Promise.resolve() : this.#waitDrain();
  }

  /**
   * {@link FrameWriter.writeEncoded} for the hot loop of a sender, as `tryWriteMany` is to
   * `writeMany`: encoded frames (from `codec.encode` or `codec.allocFrame`) in one corked
   * batch, and no promise.
   * @param frames - encoded frames, written in order
   * @returns true if the stream is below its high-water mark, false if the caller should
   *   wait for `drained()` before writing more
   * @throws {FramingError} ERR_STREAM_CLOSED when the stream is closed
   */
  tryWriteEncoded(frames: readonly Uint8Array[]): boolean {
    const closed = this.#closedError();
    if (closed) throw closed;
    return this.#writeParts(frames);
  }

  /**
   * Write several frames in one corked batch: Node hands them to the socket as a single
   * `writev`. Small frames are encoded side by side into buffers of up to 128 KiB (one copy
   * of each payload, as `write` makes; on a plain `net.Socket` these buffers are reused once
   * the socket is done with them); large payloads are written as they are, never copied.
   * @param payloads - frame contents, written in order
   * @returns resolves when the stream can take more data
   * @throws {FramingError} ERR_FRAME_TOO_LARGE or ERR_DELIMITER_IN_PAYLOAD before anything
   *   is written; ERR_STREAM_CLOSED (rejects)
   */
  writeMany(payloads: Iterable<Uint8Array>): Promise<void> {
    const closed = this.#closedError();
    if (closed) return Promise.reject(closed);
    return this.#writeBatch(payloads) ? Promise.resolve() : this.#waitDrain();
  }

  /**
   * {@link FrameWriter.writeMany} without a promise, for the hot loop of a sender: like
   * `socket.write()`, it returns whether the stream can take more, and when it cannot the
   * caller waits for {@link FrameWriter.drained}. An `await` per call costs a sender of
   * 64 KiB frames a fifth or more of its CPU (see the README's bench section).
   * @param payloads - frame contents, written in order
   * @returns true if the stream is below its high-water mark, false if the caller should
   *   wait for `drained()` before writing more
   * @throws {FramingError} ERR_FRAME_TOO_LARGE or ERR_DELIMITER_IN_PAYLOAD before anything
   *   is written; ERR_STREAM_CLOSED when the stream is closed
   * @example
   * for (const batch of batches) if (!writer.tryWriteMany(batch)) await writer.drained();
   */
  tryWriteMany(payloads: Iterable<Uint8Array>): boolean {
    const closed = this.#closedError();
    if (closed) throw closed;
    return this.#writeBatch(payloads);
  }

  /**
   * Wait until the stream can take more: at once when its buffer is below the high-water
   * mark, else on `'drain'`.
   * @returns resolves when more can be written
   * @throws {FramingError} ERR_STREAM_CLOSED (rejects) when the stream is or gets closed
   */
  drained(): Promise<void> {
    const closed = this.#closedError();
    if (closed) return Promise.reject(closed);
    return belowHighWater(this.#stream) ? Promise.resolve() : this.#waitDrain();
  }

  /** Encode and write one corked batch; returns whether the stream can take more. */
  #writeBatch(payloads: Iterable<Uint8Array>): boolean {
    return this.#writeParts(this.#encodeBatch(payloads));
  }

  /** Write encoded parts as one corked batch; returns whether the stream can take more. */
  #writeParts(parts: readonly (Uint8Array | PackedPart)[]): boolean {
    const stream = this.#stream;
    // One part (a packed run, or one frame's bytes) needs no cork: cork() would only queue it.
    const corked = parts.length > 1;
    if (corked) stream.cork();
    let packed = false;
    for (const part of parts) {
      if (part instanceof PackedPart) {
        packed = true;
        this.#inflight.push(part);
        stream.write(part.view, this.#onPackedWritten);
      } else {
        stream.write(part);
      }
    }
    if (corked) stream.uncork();
    // Nothing left in the socket's buffer: libuv wrote it all to the kernel just now (an
    // async write keeps its bytes counted until its callback). So the packing buffers can
    // go back at once: their callbacks come a tick later, and a writer whose awaits never
    // block would otherwise pack every batch into a fresh buffer. (release() is idempotent.)
    if (packed && stream.writableLength === 0) {
      for (const part of parts) if (part instanceof PackedPart) part.release();
    }
    return belowHighWater(stream);
  }

  /**
   * Small frames are packed side by side into buffers of up to 128 KiB (each payload copied
   * once, as `encode` would); large payloads stay as their own parts, never copied. On a
   * plain `net.Socket` the packing buffers are recycled (see `pack-pool.ts`).
   */
  #encodeBatch(payloads: Iterable<Uint8Array>): (Uint8Array | PackedPart)[] {
    const codec = this.#codec;
    const recycle = this.#recycle;
    const parts: (Uint8Array | PackedPart)[] = [];
    let run: Uint8Array[] = [];
    let runBytes = 0;
    const flush = () => {
      if (run.length === 0) return;
      // Only big runs take a pooled buffer, so one in flight never holds more than twice
      // its bytes (a slow peer's queue of small batches stays the size of its frames).
      const pooled = recycle && runBytes > PACK_LIMIT / 2 && runBytes <= PACK_LIMIT;
      const packed = pooled ? takeSlab() : Buffer.allocUnsafe(runBytes);
      let offset = 0;
      for (const payload of run) offset = codec.encodeInto(payload, packed, offset);
      parts.push(pooled ? new PackedPart(packed, packed.subarray(0, offset)) : packed);
      run = [];
      runBytes = 0;
    };
    for (const payload of payloads) {
      if (payload.length > this.#copyThreshold) {
        flush();
        for (const part of codec.encodeParts(payload)) parts.push(part);
        continue;
      }
      const size = codec.frameLength(payload.length);
      if (runBytes + size > PACK_LIMIT) flush();
      run.push(payload);
      runBytes += size;
    }
    flush();
    return parts;
  }

  /**
   * End the stream's writable side once everything queued is flushed.
   * @returns resolves on 'finish'
   * @throws {FramingError} ERR_STREAM_CLOSED (rejects) when the stream closes first
   */
  end(): Promise<void> {
    const stream = this.#stream;
    if (stream.writableFinished) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        stream.off('finish', onFinish);
        stream.off('close', onClose);
      };
      const onFinish = () => {
        cleanup();
        resolve();
      };
      const onClose = () => {
        cleanup();
        if (stream.writableFinished) resolve();
        else reject(closedError('stream closed before its writes were flushed'));
      };
      stream.on('finish', onFinish);
      stream.on('close', onClose);
      stream.end();
    });
  }

  #closedError(): FramingError | null {
    const stream = this.#stream;
    if (stream.destroyed || stream.writableEnded) {
      return closedError('write to a stream that is closed or ended', stream.errored ?? undefined);
    }
    return null;
  }

  /** One shared wait per writer, however many writes are waiting. */
  #waitDrain(): Promise<void> {
    this.#drain ??= new Promise<void>((resolve, reject) => {
      const stream = this.#stream;
      const settle = (err?: FramingError) => {
        stream.off('drain', onDrain);
        stream.off('close', onClose);
        stream.off('error', onError);
        this.#drain = null;
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => settle();
      const onClose = () => settle(closedError('stream closed while waiting for drain'));
      const onError = (cause: unknown) =>
        settle(closedError('stream failed while waiting for drain', cause));
      stream.on('drain', onDrain);
      stream.on('close', onClose);
      stream.on('error', onError);
    });
    return this.#drain;
  }
}

/**
 * Whether a stream can take more after an `uncork()`: what its buffer holds now, not
 * `writableNeedDrain`. Corked writes pile up past the high-water mark and set the need-drain
 * flag even when `uncork()` then hands everything to the kernel at once; the flag clears
 * only on the `'drain'` of a later tick, so waiting for it costs every batch a round trip
 * through the event loop: measured on loopback TCP at 64 KiB per batch, about 2.5x the
 * sender's CPU per byte. The test is the one `write()` itself returns (Node 20).
 */
function belowHighWater(stream: Writable): boolean {
  return stream.writableLength < stream.writableHighWaterMark || stream.writableLength === 0;
}

function closedError(message: string, cause?: unknown): FramingError {
  return new FramingError('ERR_STREAM_CLOSED', message, { cause });
}
