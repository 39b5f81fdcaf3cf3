/** DirectReader: length-prefixed frames read by the kernel straight into their own memory. */
import type { FrameHandler } from './codec.ts';
import { decoderClosed, frameTooLarge, truncated } from './errors.ts';
import { invalidVarint, VARINT_MAX_BYTES } from './varint.ts';

/** Size of a fresh region for reads between frames (what Node allocates per socket read). */
export const REGION_SIZE = 64 * 1024;
/** Start a new region rather than let a read land in less room than this. */
const MIN_READ = 16 * 1024;
/** Frames at least this large get a region of their own size and reads that stop at their end. */
const LARGE_FRAME = 16 * 1024;

/**
 * The state behind `connectFrames`: it tells the socket where to put the next bytes
 * (`nextBuffer`, net's `onread.buffer` function) and decodes what landed there (`commit`).
 *
 * Memory is a series of regions, each written once, front to back, and never again, so
 * every frame handed out is a view no later read touches. Between small frames a region is
 * 64 KiB and one read fills it with many frames. Once a header announces a large frame, the
 * frame gets a region of its exact size (plus room for the next header) and reads stop at
 * its end: the kernel copies its payload straight into the memory that becomes the frame,
 * and the next header lands in the spare bytes after it. The only copies are of a frame's
 * first bytes when its region runs out of room: up to 16 KiB for a small frame, and for a
 * large frame what arrived with its header before it had a region of its own (in steady
 * state just the header). With `reuse`, a region whose frames were all delivered is read
 * into again from its start, so steady state allocates nothing.
 */
export class DirectReader {
  readonly #max: number;
  readonly #varint: boolean;
  readonly #headerMax: number;
  #region: Buffer = Buffer.allocUnsafeSlow(REGION_SIZE);
  /** Bytes of the region written by reads. */
  #used = 0;
  /** Start (header) of the first frame not yet complete. */
  #pos = 0;
  /** Its payload length and header size once its header is complete, else -1 and 0. */
  #length = -1;
  #headerSize = 0;
  #closed = false;
  /** Rewrite the region from its start once its frames were handed out (see `reuse`). */
  readonly #reuse: boolean;

  /**
   * @param maxFrameSize - largest payload accepted, checked from the header
   * @param varint - varint headers instead of u32
   * @param reuse - reuse a region once its frames were delivered, instead of leaving it to
   *   them: no allocation in steady state, but a frame is valid only until the next read
   */
  constructor(maxFrameSize: number, varint: boolean, reuse = false) {
    this.#max = maxFrameSize;
    this.#varint = varint;
    this.#headerMax = varint ? VARINT_MAX_BYTES : 4;
    this.#reuse = reuse;
  }

  /** Bytes of the incomplete frame held (0 between frames). */
  get buffered(): number {
    return this.#used - this.#pos;
  }

  /**
   * Where the next read should land: the free end of the region, or of a new one.
   * @param mayReuse - with `reuse`, whether every frame handed out so far is done with
   *   (false while some wait to be delivered)
   */
  nextBuffer = (mayReuse = true): Buffer => {
    const have = this.#used - this.#pos;
    if (have === 0 && this.#reuse && mayReuse) {
      this.#pos = 0;
      this.#used = 0;
    }
    const large = this.#length >= LARGE_FRAME;
    // Bytes still to come for the incomplete frame, and room wanted after it.
    const need = this.#length < 0 ? 0 : this.#headerSize + this.#length - have;
    const after = large ? this.#headerMax : MIN_READ;
    if (this.#region.length - this.#used < need + after) {
      // The incomplete frame's bytes move to the start of a new region (the old one is
      // left as it is: frames handed out may still point into it), or of this one when
      // it is reused and large enough.
      const size = Math.max(REGION_SIZE, have + need + this.#headerMax);
      if (this.#reuse && mayReuse && this.#region.length >= size) {
        this.#region.copyWithin(0, this.#pos, this.#used);
      } else {
        const next = Buffer.allocUnsafeSlow(size);
        this.#region.copy(next, 0, this.#pos, this.#used);
        this.#region = next;
      }
      this.#pos = 0;
      this.#used = have;
    }
    const end = large ? this.#used + need + this.#headerMax : this.#region.length;
    return this.#region.subarray(this.#used, end);
  };

  /**
   * Declare that `bytes` bytes were written at the start of the last `nextBuffer()`.
   * @param bytes - how many bytes the read put there
   * @param onFrame - called for each frame now complete, in order
   * @throws {FramingError} ERR_FRAME_TOO_LARGE, ERR_INVALID_HEADER, ERR_DECODER_CLOSED
   */
  commit(bytes: number, onFrame: FrameHandler): void {
    if (this.#closed) throw decoderClosed();
    const region = this.#region;
    const end = this.#used + bytes;
    this.#used = end;
    let pos = this.#pos;
    try {
      for (;;) {
        if (this.#length < 0 && !this.#readHeader(region, pos, end)) break;
        const frameEnd = pos + this.#headerSize + this.#length;
        if (frameEnd > end) break;
        const frame = region.subarray(pos + this.#headerSize, frameEnd);
        pos = frameEnd;
        this.#pos = pos;
        this.#length = -1;
        onFrame(frame);
      }
    } catch (err) {
      this.#closed = true;
      throw err;
    }
  }

  /** Parse the header at `pos` if it is complete; false if more bytes are needed. */
  #readHeader(region: Buffer, pos: number, end: number): boolean {
    let length: number;
    let size: number;
    if (!this.#varint) {
      if (end - pos < 4) return false;
      length = region.readUInt32BE(pos);
      size = 4;
    } else {
      length = 0;
      size = 0;
      for (let shift = 1; ; shift *= 128) {
        if (pos + size === end) return false;
        const byte = region[pos + size++]!;
        length += (byte & 0x7f) * shift;
        if (byte < 0x80) {
          // A last byte of 0 after others is an overlong encoding: one value, one form.
          if (byte === 0 && size > 1) throw invalidVarint('overlong');
          break;
        }
        if (size === VARINT_MAX_BYTES) throw invalidVarint('long');
      }
    }
    if (length > this.#max) throw frameTooLarge(length, this.#max);
    this.#length = length;
    this.#headerSize = size;
    return true;
  }

  /**
   * Declare the end of the stream. Fine between frames; inside a frame it throws.
   * @throws {FramingError} ERR_TRUNCATED with `expected` (when known) and `received`
   */
  end(): void {
    if (this.#closed) throw decoderClosed();
    this.#closed = true;
    const received = this.#used - this.#pos;
    if (received === 0) return;
    if (this.#length >= 0) throw truncated(received, this.#headerSize + this.#length, false);
    throw truncated(received, this.#varint ? undefined : 4, true);
  }
}
