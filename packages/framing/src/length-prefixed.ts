/** Length-prefixed framing: a u32 big-endian or unsigned-varint length, then the payload. */
import { checkMaxFrameSize, type FrameCodec } from './codec.ts';
import { frameTooLarge } from './errors.ts';
import { LengthPrefixedDecoder } from './length-prefixed-decoder.ts';
import { varintSize, writeVarint } from './varint.ts';

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
  /**
   * A frame to fill in place, for payloads produced straight into memory (read from a
   * file, built by a serializer): the header for `length` bytes is written at the front and
   * `payload` is the view after it. Sent whole (`writer.writeEncoded(frame)`), it is one
   * contiguous write, where `writer.write(payload)` must add the header as a second buffer;
   * on loopback TCP at 64 KiB that second buffer cost the sender about a third more CPU
   * per byte (see the README's bench).
   * @param length - payload length in bytes
   * @returns the whole frame, and the payload view into it (memory not initialised)
   * @throws {FramingError} ERR_FRAME_TOO_LARGE when `length` exceeds `maxFrameSize`
   * @example
   * const { frame, payload } = codec.allocFrame(size);
   * await file.read(payload, 0, size);
   * await writer.writeEncoded(frame);
   */
  allocFrame(length: number): { frame: Buffer; payload: Buffer };
}

const U32_MAX = 0xffff_ffff;

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

  /** Throws before anything is allocated or written: the length may be absurd. */
  function checkLength(length: number): void {
    if (length > maxFrameSize) throw frameTooLarge(length, maxFrameSize, 'payload');
  }

  /** Writes the header announcing `length` at `offset`; returns where the payload starts. */
  function writeHeader(target: Buffer, offset: number, length: number): number {
    return varint ? writeVarint(target, offset, length) : target.writeUInt32BE(length, offset);
  }

  function frameLength(payloadLength: number): number {
    return (varint ? varintSize(payloadLength) : 4) + payloadLength;
  }

  function encodeHeader(length: number): Buffer {
    checkLength(length);
    const out = Buffer.allocUnsafe(frameLength(length) - length);
    writeHeader(out, 0, length);
    return out;
  }

  function encodeInto(payload: Uint8Array, target: Buffer, offset: number): number {
    checkLength(payload.length);
    const at = writeHeader(target, offset, payload.length);
    target.set(payload, at);
    return at + payload.length;
  }

  function allocFrame(length: number): { frame: Buffer; payload: Buffer } {
    checkLength(length);
    const frame = Buffer.allocUnsafe(frameLength(length));
    return { frame, payload: frame.subarray(writeHeader(frame, 0, length)) };
  }

  return {
    name: header,
    header,
    maxFrameSize,
    encodeHeader,
    allocFrame,
    encode(payload) {
      checkLength(payload.length);
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
