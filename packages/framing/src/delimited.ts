/** Delimiter framing: payload, then LF, CRLF or NUL (the books' line and tincanchat framing). */
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
  /** What ends each frame: `'\n'` (lines), `'\r\n'` (SMTP, IRC, HTTP lines) or `'\0'`. */
  delimiter: '\n' | '\r\n' | '\0';
  /** Largest payload in bytes, delimiter excluded (default 1 MiB). */
  maxFrameSize?: number;
}

const CR = 0x0d;

/**
 * Create a delimiter codec. Frames exclude the delimiter. With CRLF a bare LF is payload
 * (a frame ends at the first CR LF). A decoder that holds more than `maxFrameSize` bytes
 * without a delimiter fails with ERR_FRAME_TOO_LARGE instead of buffering without bound,
 * the bug of every `while '\n' not in buffer: buffer += recv()` loop.
 *
 * @param options - the delimiter and the maximum frame size
 * @returns a codec whose encoder refuses a payload holding the delimiter
 * @throws {RangeError} for another delimiter or a bad `maxFrameSize`
 * @example
 * const lines = delimited({ delimiter: '\n', maxFrameSize: 8192 });
 * const decoder = lines.createDecoder();
 * const onLine = (line: Buffer) => console.log(String(line));
 * decoder.write(Buffer.from('one\ntw'), onLine); // one
 * decoder.write(Buffer.from('o\n'), onLine); // two
 */
export function delimited(options: DelimitedOptions): FrameCodec {
  const { delimiter } = options;
  if (delimiter !== '\n' && delimiter !== '\r\n' && delimiter !== '\0') {
    throw new RangeError(
      `delimiter must be '\\n', '\\r\\n' or '\\0', got ${JSON.stringify(delimiter)}`,
    );
  }
  const bytes = Buffer.from(delimiter, 'latin1');
  const maxFrameSize = checkMaxFrameSize(options.maxFrameSize, 2 ** 31);
  return {
    name: `delimited(0x${bytes.toString('hex')})`,
    maxFrameSize,
    encode(input) {
      const payload = asBuffer(input);
      if (payload.length > maxFrameSize) {
        throw frameTooLarge(payload.length, maxFrameSize, 'payload');
      }
      // Any occurrence would end the frame early on the other side.
      if (payload.indexOf(bytes) !== -1) {
        throw new FramingError(
          'ERR_DELIMITER_IN_PAYLOAD',
          `payload of ${payload.length} bytes contains the delimiter 0x${bytes.toString('hex')}`,
        );
      }
      const frame = Buffer.allocUnsafe(payload.length + bytes.length);
      frame.set(payload, 0);
      frame.set(bytes, payload.length);
      return frame;
    },
    createDecoder: () => new DelimitedDecoder(bytes.length === 2, bytes.at(-1)!, maxFrameSize),
  };
}

/**
 * Searches each chunk for the delimiter's last byte (LF or NUL); with CRLF that byte ends a
 * frame only after a CR, which may be the last byte held from the chunk before. Between
 * chunks it holds views of the current frame's parts, copied once when its end arrives.
 */
class DelimitedDecoder implements FrameDecoder {
  readonly #crlf: boolean;
  readonly #last: number;
  readonly #max: number;
  #parts: Buffer[] = [];
  #held = 0;
  #closed = false;

  constructor(crlf: boolean, last: number, max: number) {
    this.#crlf = crlf;
    this.#last = last;
    this.#max = max;
  }

  get buffered(): number {
    return this.#held;
  }

  write(input: Uint8Array, onFrame: FrameHandler): void {
    if (this.#closed) throw decoderClosed();
    const chunk = asBuffer(input);
    try {
      let start = 0; // where the current frame's bytes in this chunk begin
      for (let at = chunk.indexOf(this.#last); at !== -1; at = chunk.indexOf(this.#last, at + 1)) {
        if (this.#crlf && !this.#crBefore(chunk, start, at)) continue; // a bare LF: payload
        this.#emit(chunk, start, this.#crlf ? at - 1 : at, onFrame);
        start = at + 1;
      }
      if (start < chunk.length) this.#hold(chunk.subarray(start));
    } catch (err) {
      this.#closed = true;
      throw err;
    }
  }

  #crBefore(chunk: Buffer, start: number, at: number): boolean {
    if (at > start) return chunk[at - 1] === CR;
    // The LF opens this frame's bytes in the chunk: the CR, if any, is the last byte held.
    if (start > 0 || this.#held === 0) return false;
    const tail = this.#parts.at(-1)!;
    return tail[tail.length - 1] === CR;
  }

  /** One frame: held bytes then chunk[start, end); end = start - 1 drops a held CR. */
  #emit(chunk: Buffer, start: number, end: number, onFrame: FrameHandler): void {
    const size = this.#held + end - start;
    if (size > this.#max) throw frameTooLarge(size, this.#max);
    if (this.#held === 0) {
      onFrame(chunk.subarray(start, end));
      return;
    }
    const parts = this.#parts;
    if (end > start) parts.push(chunk.subarray(start, end));
    this.#parts = [];
    this.#held = 0;
    onFrame(parts.length === 1 ? parts[0]!.subarray(0, size) : Buffer.concat(parts, size));
  }

  /** Keeps bytes with no delimiter yet: at most the maximum plus a CR that may start one. */
  #hold(bytes: Buffer): void {
    this.#parts.push(bytes);
    this.#held += bytes.length;
    const slack = this.#crlf ? 1 : 0;
    if (this.#held > this.#max + slack) throw frameTooLarge(this.#held - slack, this.#max);
  }

  end(): void {
    if (this.#closed) throw decoderClosed();
    this.#closed = true;
    if (this.#held > 0) {
      throw new FramingError(
        'ERR_TRUNCATED',
        `stream ended inside a frame: received ${this.#held} bytes and no delimiter`,
        { received: this.#held },
      );
    }
  }
}
