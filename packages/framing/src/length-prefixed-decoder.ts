/** The length-prefixed decoder: partial headers and partial frames carried between chunks. */
import { asBuffer, type FrameDecoder, type FrameHandler } from './codec.ts';
import { decoderClosed, frameTooLarge, truncated } from './errors.ts';
import { invalidVarint, readVarint, VARINT_MAX_BYTES, varintSize } from './varint.ts';

/**
 * The decoder. State between chunks is either a partial header (`headerBytes`) or a
 * partial frame (`frame`, allocated at its final size once the header passed the maximum
 * check, then filled by copies). A frame that lies inside one chunk is never copied.
 */
export class LengthPrefixedDecoder implements FrameDecoder {
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
      throw truncated(headerSize + this.#filled, headerSize + this.#frame.length, false);
    }
    if (this.#headerBytes > 0) {
      throw truncated(this.#headerBytes, this.#varint ? undefined : 4, true);
    }
  }
}
