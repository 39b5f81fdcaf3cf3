/** Length-prefixed framing: a u32 big-endian or unsigned-varint length, then the payload. */
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
  /**
   * `u32`: 4-byte big-endian length (FoPNP's `blocks.py`, most binary protocols; default).
   * `varint`: unsigned LEB128 as in Protocol Buffers, 1 byte for payloads under 128 B.
   */
  header?: 'u32' | 'varint';
}

/** A length-prefixed {@link FrameCodec}, which can also encode a bare header. */
export interface LengthPrefixedCodec extends FrameCodec {
  /** `u32` or `varint`. */
  readonly header: 'u32' | 'varint';
  /**
   * Encode only the header announcing `length` payload bytes.
   * @param length - payload length in bytes
   * @returns the header bytes
   * @throws {FramingError} ERR_FRAME_TOO_LARGE when `length` exceeds `maxFrameSize`
   */
  encodeHeader(length: number): Buffer;
}

const U32_MAX = 0xffff_ffff;
/** A u32 length never needs more than 5 varint bytes (5 * 7 = 35 bits). */
const VARINT_MAX_BYTES = 5;

/**
 * Create a length-prefixed codec.
 *
 * @param options - header kind and maximum frame size
 * @returns a codec whose decoders reject oversized frames from the header alone, before
 *   buffering any payload
 * @throws {RangeError} when `maxFrameSize` is not an integer from 0 to 2^32 - 1
 * @example
 * const codec = lengthPrefixed({ maxFrameSize: 64 * 1024 });
 * socket.write(codec.encode(Buffer.from('hello')));
 * const decoder = codec.createDecoder();
 * socket.on('data', (chunk) => { for (const frame of decoder.push(chunk)) handle(frame); });
 */
export function lengthPrefixed(options: LengthPrefixedOptions = {}): LengthPrefixedCodec {
  const header = options.header ?? 'u32';
  if (header !== 'u32' && header !== 'varint') {
    throw new RangeError(`header must be 'u32' or 'varint', got ${String(header)}`);
  }
  const maxFrameSize = checkMaxFrameSize(options.maxFrameSize, U32_MAX);
  const varint = header === 'varint';

  function encodeHeader(length: number): Buffer {
    if (length > maxFrameSize) throw frameTooLarge(length, maxFrameSize, 'payload');
    if (!varint) {
      const out = Buffer.allocUnsafe(4);
      out.writeUInt32BE(length, 0);
      return out;
    }
    const out = Buffer.allocUnsafe(varintSize(length));
    writeVarint(out, 0, length);
    return out;
  }

  function frameLength(payloadLength: number): number {
    return (varint ? varintSize(payloadLength) : 4) + payloadLength;
  }

  function encodeInto(payload: Uint8Array, target: Buffer, offset: number): number {
    const length = payload.length;
    if (length > maxFrameSize) throw frameTooLarge(length, maxFrameSize, 'payload');
    let at = offset;
    if (varint) at = writeVarint(target, at, length);
    else at = target.writeUInt32BE(length, at);
    target.set(payload, at);
    return at + length;
  }

  return {
    name: header,
    header,
    maxFrameSize,
    encodeHeader,
    encode(payload) {
      // Check before allocating: the size may be absurd.
      if (payload.length > maxFrameSize) {
        throw frameTooLarge(payload.length, maxFrameSize, 'payload');
      }
      const out = Buffer.allocUnsafe(frameLength(payload.length));
      encodeInto(payload, out, 0);
      return out;
    },
    frameLength,
    encodeInto,
    encodeParts(payload) {
      return [encodeHeader(payload.length), payload];
    },
    createDecoder() {
      return new LengthPrefixedDecoder(maxFrameSize, varint);
    },
  };
}

function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) size++;
  return size;
}

/** Write `value` as an unsigned LEB128 varint; returns the offset after it. */
function writeVarint(out: Buffer, offset: number, value: number): number {
  let at = offset;
  let v = value;
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[at] = v;
  return at + 1;
}

/**
 * The decoder. State between chunks is either a partial header (`headerBytes`) or a
 * partial frame (`frame`, allocated at its final size once the header passed the maximum
 * check, then filled by copies). A frame that lies inside one chunk is never copied.
 */
class LengthPrefixedDecoder implements FrameDecoder {
  readonly #max: number;
  readonly #varint: boolean;
  /** Bytes of a header split across chunks (at most 5). */
  readonly #headerBuf = Buffer.alloc(VARINT_MAX_BYTES);
  #headerBytes = 0;
  /** The frame being filled across chunks, or null between frames. */
  #frame: Buffer | null = null;
  #filled = 0;
  #closed = false;

  constructor(max: number, varint: boolean) {
    this.#max = max;
    this.#varint = varint;
  }

  get buffered(): number {
    return this.#frame === null ? this.#headerBytes : this.#headerBytes + this.#filled;
  }

  push(chunk: Uint8Array): Buffer[] {
    const frames: Buffer[] = [];
    this.write(chunk, (frame) => frames.push(frame));
    return frames;
  }

  write(input: Uint8Array, onFrame: FrameHandler): void {
    if (this.#closed) throw decoderClosed();
    const chunk = asBuffer(input);
    try {
      let offset = this.#frame === null ? 0 : this.#fill(chunk, 0, onFrame);
      if (this.#headerBytes > 0 && offset < chunk.length) {
        offset = this.#finishHeader(chunk, offset, onFrame);
      }
      this.#scan(chunk, offset, onFrame);
    } catch (err) {
      this.#closed = true;
      throw err;
    }
  }

  /** Fast path: frames whose header starts in this chunk. */
  #scan(chunk: Buffer, start: number, onFrame: FrameHandler): void {
    const end = chunk.length;
    const max = this.#max;
    let offset = start;
    while (offset < end) {
      let length: number;
      let payloadStart: number;
      if (this.#varint) {
        length = 0;
        let shift = 1;
        let at = offset;
        for (;;) {
          if (at === end) {
            this.#saveHeader(chunk, offset);
            return;
          }
          const byte = chunk[at++]!;
          length += (byte & 0x7f) * shift;
          if (byte < 0x80) {
            // A last byte of 0 after others is an overlong encoding: one value, one form.
            if (byte === 0 && at - offset > 1) throw invalidVarint('overlong');
            break;
          }
          shift *= 128;
          if (at - offset === VARINT_MAX_BYTES) throw invalidVarint('long');
        }
        payloadStart = at;
      } else {
        if (end - offset < 4) {
          this.#saveHeader(chunk, offset);
          return;
        }
        length =
          chunk[offset]! * 0x1000000 +
          ((chunk[offset + 1]! << 16) | (chunk[offset + 2]! << 8) | chunk[offset + 3]!);
        payloadStart = offset + 4;
      }
      if (length > max) throw frameTooLarge(length, max);
      const payloadEnd = payloadStart + length;
      if (payloadEnd > end) {
        this.#startFrame(length);
        this.#fill(chunk, payloadStart, onFrame);
        return;
      }
      onFrame(chunk.subarray(payloadStart, payloadEnd));
      offset = payloadEnd;
    }
  }

  #saveHeader(chunk: Buffer, offset: number): void {
    chunk.copy(this.#headerBuf, 0, offset);
    this.#headerBytes = chunk.length - offset;
  }

  /** Complete a header split across chunks; returns the offset after what it consumed. */
  #finishHeader(chunk: Buffer, start: number, onFrame: FrameHandler): number {
    const buf = this.#headerBuf;
    let offset = start;
    let length = -1;
    while (offset < chunk.length && length < 0) {
      buf[this.#headerBytes++] = chunk[offset++]!;
      if (this.#varint) {
        const byte = buf[this.#headerBytes - 1]!;
        if (byte === 0 && this.#headerBytes > 1) throw invalidVarint('overlong');
        if (byte < 0x80) length = readVarint(buf, this.#headerBytes);
        else if (this.#headerBytes === VARINT_MAX_BYTES) throw invalidVarint('long');
      } else if (this.#headerBytes === 4) {
        length = buf.readUInt32BE(0);
      }
    }
    if (length < 0) return offset;
    this.#headerBytes = 0;
    if (length > this.#max) throw frameTooLarge(length, this.#max);
    this.#startFrame(length);
    return this.#fill(chunk, offset, onFrame);
  }

  #startFrame(length: number): void {
    this.#frame = Buffer.allocUnsafe(length);
    this.#filled = 0;
  }

  /** Copy into the frame being filled; returns the offset after what it consumed. */
  #fill(chunk: Buffer, offset: number, onFrame: FrameHandler): number {
    const frame = this.#frame!;
    const take = Math.min(frame.length - this.#filled, chunk.length - offset);
    chunk.copy(frame, this.#filled, offset, offset + take);
    this.#filled += take;
    if (this.#filled < frame.length) return offset + take;
    this.#frame = null;
    onFrame(frame);
    return offset + take;
  }

  end(): void {
    if (this.#closed) throw decoderClosed();
    this.#closed = true;
    if (this.#frame !== null) {
      const headerSize = this.#varint ? varintSize(this.#frame.length) : 4;
      const expected = headerSize + this.#frame.length;
      const received = headerSize + this.#filled;
      throw new FramingError(
        'ERR_TRUNCATED',
        `stream ended inside a frame: received ${received} of ${expected} bytes`,
        { expected, received },
      );
    }
    if (this.#headerBytes > 0) {
      const received = this.#headerBytes;
      const expected = this.#varint ? undefined : 4;
      const of = expected === undefined ? `at least ${received + 1}` : `${expected}`;
      throw new FramingError(
        'ERR_TRUNCATED',
        `stream ended inside a frame header: received ${received} of ${of} header bytes`,
        { expected, received },
      );
    }
  }
}

function readVarint(buf: Buffer, size: number): number {
  let value = 0;
  let shift = 1;
  for (let i = 0; i < size; i++) {
    value += (buf[i]! & 0x7f) * shift;
    shift *= 128;
  }
  return value;
}

function invalidVarint(kind: 'long' | 'overlong'): FramingError {
  const message =
    kind === 'long'
      ? `varint length header longer than ${VARINT_MAX_BYTES} bytes`
      : 'varint length header is overlong (ends in a 0x00 byte)';
  return new FramingError('ERR_INVALID_HEADER', message);
}
