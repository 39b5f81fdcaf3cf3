/** Delimiter framing: payload, then a delimiter byte sequence (NUL, LF, CRLF, ...). */
import {
  asBuffer,
  checkMaxFrameSize,
  type FrameCodec,
  type FrameDecoder,
  type FrameHandler,
} from './codec.ts';
import { decoderClosed, FramingError, frameTooLarge } from './errors.ts';

/** Options for {@link delimited}. */
export interface DelimitedOptions {
  /** The byte sequence ending each frame: a string (UTF-8) such as `'\n'`, `'\r\n'`, `'\0'`. */
  delimiter: string | Uint8Array;
  /** Largest payload in bytes, delimiter excluded (default 1 MiB). */
  maxFrameSize?: number;
}

/** A delimiter {@link FrameCodec}. */
export interface DelimitedCodec extends FrameCodec {
  /** The delimiter bytes. */
  readonly delimiter: Buffer;
}

/**
 * Create a delimiter codec. Frames exclude the delimiter. A decoder that sees more than
 * `maxFrameSize` bytes without a delimiter fails with ERR_FRAME_TOO_LARGE instead of
 * buffering without bound.
 *
 * @param options - the delimiter and the maximum frame size
 * @returns a codec whose encoder refuses payloads that would be mis-split
 * @throws {RangeError} on an empty delimiter or a bad `maxFrameSize`
 * @example
 * const lines = delimited({ delimiter: '\n', maxFrameSize: 8192 });
 * const decoder = lines.createDecoder();
 * decoder.push(Buffer.from('one\ntw')); // [<Buffer 'one'>]
 * decoder.push(Buffer.from('o\n')); // [<Buffer 'two'>]
 */
export function delimited(options: DelimitedOptions): DelimitedCodec {
  const delimiter = Buffer.from(
    typeof options.delimiter === 'string'
      ? Buffer.from(options.delimiter, 'utf8')
      : options.delimiter,
  );
  if (delimiter.length === 0) throw new RangeError('delimiter must not be empty');
  const maxFrameSize = checkMaxFrameSize(options.maxFrameSize, 2 ** 31);
  const name = `delimited(0x${delimiter.toString('hex')})`;

  function check(payload: Buffer): void {
    if (payload.length > maxFrameSize) {
      throw frameTooLarge(payload.length, maxFrameSize, 'payload');
    }
    // The delimiter must first occur right after the payload, also across the boundary
    // (payload 'a' + delimiter 'aa' would decode as frame '' or be mis-split).
    const tailStart = Math.max(0, payload.length - delimiter.length + 1);
    const inPayload = payload.indexOf(delimiter) !== -1;
    if (inPayload || straddles(payload.subarray(tailStart), delimiter)) {
      throw new FramingError(
        'ERR_DELIMITER_IN_PAYLOAD',
        `payload of ${payload.length} bytes contains the delimiter 0x${delimiter.toString('hex')}`,
      );
    }
  }

  function encodeInto(input: Uint8Array, target: Buffer, offset: number): number {
    const payload = asBuffer(input);
    check(payload);
    target.set(payload, offset);
    target.set(delimiter, offset + payload.length);
    return offset + payload.length + delimiter.length;
  }

  return {
    name,
    delimiter,
    maxFrameSize,
    encode(input) {
      if (input.length > maxFrameSize) throw frameTooLarge(input.length, maxFrameSize, 'payload');
      const out = Buffer.allocUnsafe(input.length + delimiter.length);
      encodeInto(input, out, 0);
      return out;
    },
    frameLength: (payloadLength) => payloadLength + delimiter.length,
    encodeInto,
    encodeParts(input) {
      check(asBuffer(input));
      return [input, delimiter];
    },
    createDecoder() {
      return new DelimitedDecoder(delimiter, maxFrameSize);
    },
  };
}

/** True when `tail` + `delimiter` holds the delimiter starting inside `tail`. */
function straddles(tail: Buffer, delimiter: Buffer): boolean {
  for (let start = 0; start < tail.length; start++) {
    const inTail = tail.length - start;
    if (inTail >= delimiter.length) continue;
    if (tail.compare(delimiter, 0, inTail, start) !== 0) continue;
    if (
      delimiter.compare(delimiter, inTail, delimiter.length, 0, delimiter.length - inTail) === 0
    ) {
      return true;
    }
  }
  return false;
}

/**
 * The decoder. Between chunks it holds the parts of the current frame (views of the pushed
 * chunks, copied once by `Buffer.concat` when the delimiter arrives) and the last
 * `delimiter.length - 1` bytes seen, to find a delimiter split across chunks.
 */
class DelimitedDecoder implements FrameDecoder {
  readonly #delimiter: Buffer;
  readonly #max: number;
  #parts: Buffer[] = [];
  #pending = 0;
  #closed = false;

  constructor(delimiter: Buffer, max: number) {
    this.#delimiter = delimiter;
    this.#max = max;
  }

  get buffered(): number {
    return this.#pending;
  }

  push(chunk: Uint8Array): Buffer[] {
    const frames: Buffer[] = [];
    this.write(chunk, (frame) => frames.push(frame));
    return frames;
  }

  write(input: Uint8Array, onFrame: FrameHandler): void {
    if (this.#closed) throw decoderClosed();
    try {
      this.#decode(asBuffer(input), onFrame);
    } catch (err) {
      this.#closed = true;
      throw err;
    }
  }

  #decode(chunk: Buffer, onFrame: FrameHandler): void {
    const delimiter = this.#delimiter;
    const dl = delimiter.length;
    let offset = 0;
    if (this.#pending > 0) {
      // A delimiter may start in the held bytes and end in this chunk.
      const split = dl > 1 ? this.#splitDelimiter(chunk) : -1;
      if (split >= 0) {
        this.#emitPending(this.#pending - (dl - split), onFrame);
        offset = split;
      } else {
        const at = chunk.indexOf(delimiter);
        if (at < 0) {
          this.#hold(chunk);
          return;
        }
        this.#parts.push(chunk.subarray(0, at));
        this.#pending += at;
        this.#emitPending(this.#pending, onFrame);
        offset = at + dl;
      }
    }
    const max = this.#max;
    for (;;) {
      const at = chunk.indexOf(delimiter, offset);
      if (at < 0) break;
      if (at - offset > max) throw frameTooLarge(at - offset, max);
      onFrame(chunk.subarray(offset, at));
      offset = at + dl;
    }
    if (offset < chunk.length) this.#hold(chunk.subarray(offset));
  }

  /**
   * Where in `chunk` a delimiter that began in the held bytes ends, or -1. Checks the
   * earliest possible start first, so the leftmost occurrence wins as with `indexOf`.
   */
  #splitDelimiter(chunk: Buffer): number {
    const delimiter = this.#delimiter;
    const dl = delimiter.length;
    const tail = this.#tail(dl - 1);
    for (let inHeld = tail.length; inHeld >= 1; inHeld--) {
      const inChunk = dl - inHeld;
      if (inChunk > chunk.length) continue;
      if (tail.compare(delimiter, 0, inHeld, tail.length - inHeld) !== 0) continue;
      if (chunk.compare(delimiter, inHeld, dl, 0, inChunk) === 0) return inChunk;
    }
    return -1;
  }

  /** The last `n` held bytes (or fewer), copied out of the parts. */
  #tail(n: number): Buffer {
    const size = Math.min(n, this.#pending);
    const out = Buffer.allocUnsafe(size);
    let need = size;
    for (let i = this.#parts.length - 1; i >= 0 && need > 0; i--) {
      const part = this.#parts[i]!;
      const take = Math.min(need, part.length);
      part.copy(out, need - take, part.length - take);
      need -= take;
    }
    return out;
  }

  /** Keep bytes with no delimiter yet; bounded by the maximum plus a partial delimiter. */
  #hold(bytes: Buffer): void {
    this.#parts.push(bytes);
    this.#pending += bytes.length;
    const limit = this.#max + this.#delimiter.length - 1;
    if (this.#pending > limit)
      throw frameTooLarge(this.#pending - (this.#delimiter.length - 1), this.#max);
  }

  /** Emit the first `length` held bytes as one frame and forget all held bytes. */
  #emitPending(length: number, onFrame: FrameHandler): void {
    if (length > this.#max) throw frameTooLarge(length, this.#max);
    const parts = this.#parts;
    this.#parts = [];
    this.#pending = 0;
    onFrame(parts.length === 1 ? parts[0]!.subarray(0, length) : Buffer.concat(parts, length));
  }

  end(): void {
    if (this.#closed) throw decoderClosed();
    this.#closed = true;
    if (this.#pending > 0) {
      throw new FramingError(
        'ERR_TRUNCATED',
        `stream ended inside a frame: received ${this.#pending} bytes and no delimiter`,
        { received: this.#pending },
      );
    }
  }
}
