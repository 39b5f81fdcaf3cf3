/** Length-prefixed framing: a 4-byte big-endian length (u32), then that many payload bytes. */
import {
  asBuffer,
  checkMaxFrameSize,
  type FrameCodec,
  type FrameDecoder,
  type FrameHandler,
} from './codec.ts';
import { decoderClosed, FramingError, frameTooLarge } from './errors.ts';

/** Options for {@link lengthPrefixed}. */
export interface LengthPrefixedOptions {
  /** Largest payload in bytes (default 1 MiB, at most 2^32 - 1). Checked from the header. */
  maxFrameSize?: number;
}

const HEADER = 4;
const U32_MAX = 0xffff_ffff;
const EMPTY = Buffer.alloc(0);

/**
 * Create a length-prefixed codec: the framing of FoPNP's `blocks.py`
 * (`struct.pack('!I', len(message))`) and of most binary protocols.
 *
 * @param options - the maximum frame size
 * @returns a codec whose decoders refuse an oversized frame from its header alone, before
 *   a single payload byte is buffered
 * @throws {RangeError} when `maxFrameSize` is not an integer from 0 to 2^32 - 1
 * @example
 * const codec = lengthPrefixed({ maxFrameSize: 64 * 1024 });
 * socket.write(codec.encode(Buffer.from('hello')));
 * const decoder = codec.createDecoder();
 * socket.on('data', (chunk) => decoder.write(chunk, (frame) => handle(frame)));
 */
export function lengthPrefixed(options: LengthPrefixedOptions = {}): FrameCodec {
  const maxFrameSize = checkMaxFrameSize(options.maxFrameSize, U32_MAX);
  return {
    name: 'u32',
    maxFrameSize,
    encode(payload) {
      // Checked before allocating: the length may be absurd.
      if (payload.length > maxFrameSize) {
        throw frameTooLarge(payload.length, maxFrameSize, 'payload');
      }
      const frame = Buffer.allocUnsafe(HEADER + payload.length);
      frame.writeUInt32BE(payload.length, 0);
      frame.set(payload, HEADER);
      return frame;
    },
    createDecoder: () => new LengthPrefixedDecoder(maxFrameSize),
  };
}

/**
 * Between chunks the decoder holds either part of a header (TCP may split anywhere, even
 * inside the 4 header bytes) or part of a frame, allocated at its final size once the
 * header passed the maximum check. A frame inside one chunk is never copied.
 */
class LengthPrefixedDecoder implements FrameDecoder {
  readonly #max: number;
  readonly #header = Buffer.alloc(HEADER);
  #headerBytes = 0;
  /** The frame being filled across chunks, or null. */
  #frame: Buffer | null = null;
  #filled = 0;
  #closed = false;

  constructor(max: number) {
    this.#max = max;
  }

  get buffered(): number {
    return this.#headerBytes + this.#filled;
  }

  write(input: Uint8Array, onFrame: FrameHandler): void {
    if (this.#closed) throw decoderClosed();
    const chunk = asBuffer(input);
    try {
      let offset = 0;
      while (offset < chunk.length) {
        if (this.#frame !== null) {
          offset = this.#fill(chunk, offset, onFrame);
        } else if (this.#headerBytes === 0 && chunk.length - offset >= HEADER) {
          // The common case: a whole header in this chunk, and often the whole frame.
          const length = this.#check(chunk.readUInt32BE(offset));
          const end = offset + HEADER + length;
          if (end <= chunk.length) {
            onFrame(chunk.subarray(offset + HEADER, end));
            offset = end;
          } else {
            this.#frame = Buffer.allocUnsafe(length);
            offset += HEADER;
          }
        } else {
          // A header split across chunks: gather it a byte at a time (at most 3 calls).
          this.#header[this.#headerBytes++] = chunk[offset++]!;
          if (this.#headerBytes < HEADER) continue;
          this.#headerBytes = 0;
          const length = this.#check(this.#header.readUInt32BE(0));
          if (length === 0) onFrame(EMPTY);
          else this.#frame = Buffer.allocUnsafe(length);
        }
      }
    } catch (err) {
      this.#closed = true;
      throw err;
    }
  }

  /** Refuses an oversized frame from its header alone: nothing is allocated for it. */
  #check(length: number): number {
    if (length > this.#max) throw frameTooLarge(length, this.#max);
    return length;
  }

  /** Copies into the frame being filled; returns the offset after what it took. */
  #fill(chunk: Buffer, offset: number, onFrame: FrameHandler): number {
    const frame = this.#frame!;
    const take = Math.min(frame.length - this.#filled, chunk.length - offset);
    chunk.copy(frame, this.#filled, offset, offset + take);
    this.#filled += take;
    if (this.#filled === frame.length) {
      this.#frame = null;
      this.#filled = 0;
      onFrame(frame);
    }
    return offset + take;
  }

  end(): void {
    if (this.#closed) throw decoderClosed();
    this.#closed = true;
    const frame = this.#frame;
    if (frame !== null) {
      const received = HEADER + this.#filled;
      throw new FramingError(
        'ERR_TRUNCATED',
        `stream ended inside a frame: received ${received} of ${HEADER + frame.length} bytes`,
        { received, expected: HEADER + frame.length },
      );
    }
    if (this.#headerBytes > 0) {
      throw new FramingError(
        'ERR_TRUNCATED',
        `stream ended inside a frame header: received ${this.#headerBytes} of ${HEADER} bytes`,
        { received: this.#headerBytes, expected: HEADER },
      );
    }
  }
}
