/** Readers for schema-directed decoding: one MessagePack value of an expected kind, or MISS. */
import type { FastBuffer } from './msgpack/encode.ts';
import { CACHED_MAX_BYTES, StringCache } from './msgpack/string-cache.ts';

/** Returned by a reader for anything it does not handle; the caller then asks zod. */
export const MISS: unique symbol = Symbol('miss');
type Miss = typeof MISS;

/** Where a reader is in the bytes (`src` is exactly the message: reads past `end` are undefined). */
export interface Reader {
  src: Buffer;
  pos: number;
  end: number;
  strings: StringCache;
}

/** Reads one value at `r.pos` and checks it, or returns MISS (the position is then undefined). */
export type Read = (r: Reader) => unknown;

/** A field of an object reader: its key as MessagePack bytes, and how to read its value. */
export interface Field {
  key: string;
  bytes: Buffer;
  read: Read;
  optional: boolean;
}

/** A fresh reader state (one per protocol; decoding is synchronous). */
export function createReader(): Reader {
  return { src: EMPTY, pos: 0, end: 0, strings: new StringCache() };
}

/** Decode `bytes` with `read` when they are exactly one value it accepts; else MISS. */
export function decodeWith(read: Read, r: Reader, bytes: Buffer): unknown {
  r.src = bytes;
  r.pos = 0;
  r.end = bytes.length;
  const value = read(r);
  const complete = r.pos === r.end;
  r.src = EMPTY;
  return value !== MISS && complete ? value : MISS;
}

/** A str, decoded exactly as the generic decoder does (short ones from the cache). */
export function readString(r: Reader): string | Miss {
  const { src, end } = r;
  let pos = r.pos;
  if (pos >= end) return MISS;
  const b = src[pos]!;
  let length: number;
  if ((b & 0xe0) === 0xa0) {
    length = b & 0x1f;
    pos += 1;
  } else if (b === 0xd9 && pos + 2 <= end) {
    length = src[pos + 1]!;
    pos += 2;
  } else if (b === 0xda && pos + 3 <= end) {
    length = (src[pos + 1]! << 8) | src[pos + 2]!;
    pos += 3;
  } else if (b === 0xdb && pos + 5 <= end) {
    length = src.readUInt32BE(pos + 1);
    pos += 5;
  } else return MISS;
  if (pos + length > end) return MISS;
  r.pos = pos + length;
  if (length <= CACHED_MAX_BYTES) return r.strings.get(src, pos, length);
  return (src as FastBuffer).utf8Slice(pos, pos + length);
}

/** A number zod's `z.number()` accepts: finite, and 64-bit integers only while exact. */
export function readNumber(r: Reader): number | Miss {
  const { src, end, pos } = r;
  if (pos >= end) return MISS;
  const b = src[pos]!;
  if (b < 0x80) {
    r.pos = pos + 1;
    return b;
  }
  if (b >= 0xe0) {
    r.pos = pos + 1;
    return b - 0x100;
  }
  const size = NUMBER_SIZES[b - 0xca];
  if (b < 0xca || size === undefined || pos + 1 + size > end) return MISS;
  r.pos = pos + 1 + size;
  const at = pos + 1;
  switch (b) {
    case 0xca:
      return finite(src.readFloatBE(at));
    case 0xcb:
      return finite(src.readDoubleBE(at));
    case 0xcc:
      return src[at]!;
    case 0xcd:
      return src.readUInt16BE(at);
    case 0xce:
      return src.readUInt32BE(at);
    case 0xcf:
      return exact(src.readUInt32BE(at) * 0x100000000 + src.readUInt32BE(at + 4));
    case 0xd0:
      return src.readInt8(at);
    case 0xd1:
      return src.readInt16BE(at);
    case 0xd2:
      return src.readInt32BE(at);
    default: // 0xd3
      return exact(src.readInt32BE(at) * 0x100000000 + src.readUInt32BE(at + 4));
  }
}

/** Payload sizes of 0xca (float 32) to 0xd3 (int 64). */
const NUMBER_SIZES = [4, 8, 1, 2, 4, 8, 1, 2, 4, 8];

/** zod 4's number() refuses NaN and the infinities. */
function finite(n: number): number | Miss {
  return Number.isFinite(n) ? n : MISS;
}

/** Beyond 2^53 the generic decoder gives a BigInt, which z.number() refuses. */
function exact(n: number): number | Miss {
  return Number.isSafeInteger(n) ? n : MISS;
}

export function readBoolean(r: Reader): boolean | Miss {
  const b = r.pos < r.end ? r.src[r.pos] : undefined;
  if (b !== 0xc2 && b !== 0xc3) return MISS;
  r.pos++;
  return b === 0xc3;
}

/** An array whose every element `element` accepts. */
export function arrayReader(element: Read): Read {
  return (r) => {
    const { src, end } = r;
    let pos = r.pos;
    if (pos >= end) return MISS;
    const b = src[pos]!;
    let length: number;
    if ((b & 0xf0) === 0x90) {
      length = b & 0x0f;
      pos += 1;
    } else if (b === 0xdc && pos + 3 <= end) {
      length = (src[pos + 1]! << 8) | src[pos + 2]!;
      pos += 3;
    } else if (b === 0xdd && pos + 5 <= end) {
      length = src.readUInt32BE(pos + 1);
      pos += 5;
    } else return MISS;
    if (length > end - pos) return MISS; // every element takes at least one byte
    r.pos = pos;
    const out: unknown[] = [];
    for (let i = 0; i < length; i++) {
      const value = element(r);
      if (value === MISS) return MISS;
      out.push(value);
    }
    return out;
  };
}

const EMPTY = Buffer.alloc(0);
