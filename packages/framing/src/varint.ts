/** Unsigned LEB128 varints (as in Protocol Buffers) for length headers: at most 5 bytes. */
import { FramingError } from './errors.ts';

/** A u32 length never needs more than 5 varint bytes (5 * 7 = 35 bits). */
export const VARINT_MAX_BYTES = 5;

/** Bytes needed to encode `value`. */
export function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) size++;
  return size;
}

/** Write `value` as an unsigned LEB128 varint; returns the offset after it. */
export function writeVarint(out: Buffer, offset: number, value: number): number {
  let at = offset;
  let v = value;
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[at] = v;
  return at + 1;
}

/** Read a complete varint of `size` bytes from the start of `buf`. */
export function readVarint(buf: Buffer, size: number): number {
  let value = 0;
  let shift = 1;
  for (let i = 0; i < size; i++) {
    value += (buf[i]! & 0x7f) * shift;
    shift *= 128;
  }
  return value;
}

/** ERR_INVALID_HEADER for a varint that is too long or overlong. */
export function invalidVarint(kind: 'long' | 'overlong'): FramingError {
  const message =
    kind === 'long'
      ? `varint length header longer than ${VARINT_MAX_BYTES} bytes`
      : 'varint length header is overlong (ends in a 0x00 byte)';
  return new FramingError('ERR_INVALID_HEADER', message);
}
