/** A MessagePack encoder for the values messages are made of, falling back to msgpackr for the rest. */
import type { Packr } from 'msgpackr';

/**
 * Encodes plain values (null, booleans, numbers, strings, Uint8Array, arrays, plain
 * objects) in the smallest standard MessagePack form, as Python's msgpack does; anything
 * else (Date, Map, Set, bigint, ...) is encoded by msgpackr in place. Object properties
 * whose value is `undefined` are left out, as JSON does; `-0` stays a float64 -0.
 *
 * Output buffers are slices of a shared slab that is never written twice (a new slab is
 * allocated when one fills up), so each result is stable and owned by the caller.
 */
export class Encoder {
  readonly #fallback: Packr;
  #slab: Buffer = Buffer.allocUnsafe(SLAB_SIZE);
  #start = 0;
  #pos = 0;
  #polluted = false;

  /** @param fallback - msgpackr, for values outside the fast path */
  constructor(fallback: Packr) {
    this.#fallback = fallback;
  }

  /**
   * @param value - what to encode
   * @returns the MessagePack bytes
   */
  encode(value: unknown): Buffer {
    this.#polluted = hasEnumerableProperties(Object.prototype);
    this.#start = this.#pos;
    this.#value(value, 0);
    const out = this.#slab.subarray(this.#start, this.#pos);
    // Keep the next message 8-byte aligned, and never reuse bytes already handed out.
    this.#pos = (this.#pos + 7) & ~7;
    return out;
  }

  /** Make room for `bytes` more; moves the message being written to a new slab if needed. */
  #ensure(bytes: number): void {
    if (this.#pos + bytes <= this.#slab.length) return;
    const written = this.#pos - this.#start;
    const next = Buffer.allocUnsafe(Math.max(SLAB_SIZE, (written + bytes) * 2));
    this.#slab.copy(next, 0, this.#start, this.#pos);
    this.#slab = next;
    this.#start = 0;
    this.#pos = written;
  }

  #value(value: unknown, depth: number): void {
    const type = typeof value;
    if (type === 'string') this.#string(value as string);
    else if (type === 'number') this.#number(value as number);
    else if (type === 'boolean' || value === null || value === undefined) {
      this.#ensure(1);
      this.#slab[this.#pos++] = value === true ? 0xc3 : value === false ? 0xc2 : 0xc0;
    } else if (type !== 'object') this.#foreign(value);
    else if (depth > MAX_DEPTH)
      throw new RangeError(`value nested deeper than ${MAX_DEPTH} levels`);
    else if (Array.isArray(value)) this.#array(value, depth);
    else if (value instanceof Uint8Array) this.#binary(value);
    else if (isPlainObject(value as object)) this.#object(value as Record<string, unknown>, depth);
    else this.#foreign(value);
  }

  #number(n: number): void {
    this.#ensure(9);
    const slab = this.#slab;
    let p = this.#pos;
    // Integers (not -0, which only a float keeps) in the smallest form; others as float64.
    if (Number.isSafeInteger(n) && (n !== 0 || 1 / n > 0)) {
      if (n >= 0) {
        if (n < 0x80) slab[p++] = n;
        else if (n < 0x100) {
          slab[p++] = 0xcc;
          slab[p++] = n;
        } else if (n < 0x10000) {
          slab[p++] = 0xcd;
          p = slab.writeUInt16BE(n, p);
        } else if (n < 0x100000000) {
          slab[p++] = 0xce;
          p = writeUint32(slab, n, p);
        } else {
          slab[p++] = 0xcf;
          p = writeUint32(slab, Math.floor(n / 0x100000000), p);
          p = writeUint32(slab, n >>> 0, p);
        }
      } else if (n >= -32) slab[p++] = n & 0xff;
      else if (n >= -0x80) {
        slab[p++] = 0xd0;
        p = slab.writeInt8(n, p);
      } else if (n >= -0x8000) {
        slab[p++] = 0xd1;
        p = slab.writeInt16BE(n, p);
      } else if (n >= -0x80000000) {
        slab[p++] = 0xd2;
        p = slab.writeInt32BE(n, p);
      } else {
        slab[p++] = 0xd3;
        p = slab.writeInt32BE(Math.floor(n / 0x100000000), p);
        p = slab.writeUInt32BE(n >>> 0, p);
      }
    } else {
      slab[p++] = 0xcb;
      p = slab.writeDoubleBE(n, p);
    }
    this.#pos = p;
  }

  #string(s: string): void {
    const length = s.length;
    if (length < 86) {
      // ASCII (keys, nicks, most chat text) is one byte per unit, so the header is known
      // before writing: a JS loop beats calls into C++ at this size. Non-ASCII: below.
      this.#ensure(length * 3 + 2);
      const slab = this.#slab;
      const start = this.#pos;
      let p = start + (length < 32 ? 1 : 2);
      let i = 0;
      for (; i < length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        slab[p++] = c;
      }
      if (i === length) {
        if (length < 32) slab[start] = 0xa0 | length;
        else {
          slab[start] = 0xd9;
          slab[start + 1] = length;
        }
        this.#pos = p;
        return;
      }
    }
    if (length < 86) {
      // At most 3 bytes per UTF-16 unit, so at most 255 bytes: a fixstr or str8 header.
      // Write after a 2-byte header, then move back one byte if a fixstr fits.
      this.#ensure(length * 3 + 2);
      const slab = this.#slab;
      const p = this.#pos;
      const bytes = (slab as FastBuffer).utf8Write(s, p + 2);
      if (bytes < 32) {
        slab[p] = 0xa0 | bytes;
        slab.copyWithin(p + 1, p + 2, p + 2 + bytes);
        this.#pos = p + 1 + bytes;
      } else {
        slab[p] = 0xd9;
        slab[p + 1] = bytes;
        this.#pos = p + 2 + bytes;
      }
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.#ensure(bytes + 5);
    this.#header(bytes, 0xa0, 32, 0xd9, 0xda, 0xdb);
    this.#pos += (this.#slab as FastBuffer).utf8Write(s, this.#pos, bytes);
  }

  #binary(bytes: Uint8Array): void {
    this.#ensure(bytes.length + 5);
    this.#header(bytes.length, -1, 0, 0xc4, 0xc5, 0xc6);
    this.#slab.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  #array(items: unknown[], depth: number): void {
    this.#ensure(5);
    this.#header(items.length, 0x90, 16, -1, 0xdc, 0xdd);
    for (let i = 0; i < items.length; i++) this.#value(items[i], depth + 1);
  }

  #object(object: Record<string, unknown>, depth: number): void {
    // One pass: assume a fixmap, count the fields written, patch the header after (and in
    // the rare case of more than 15 fields, move them to make room for a bigger header).
    // The header's place is kept relative to the message: #ensure may move the message.
    this.#ensure(1);
    const header = this.#pos++ - this.#start;
    let count = 0;
    // for-in (which V8 runs from its enum cache) beats Object.keys; inherited keys can only
    // appear if Object.prototype was given enumerable properties, checked once per encode.
    const checkOwn = this.#polluted;
    for (const key in object) {
      const value = object[key];
      if (value === undefined || (checkOwn && !Object.hasOwn(object, key))) continue;
      this.#string(key);
      this.#value(value, depth + 1);
      count++;
    }
    if (count < 16) {
      this.#slab[this.#start + header] = 0x80 | count;
      return;
    }
    const extra = count < 0x10000 ? 2 : 4;
    this.#ensure(extra);
    const slab = this.#slab;
    const at = this.#start + header;
    slab.copyWithin(at + 1 + extra, at + 1, this.#pos);
    this.#pos += extra;
    slab[at] = extra === 2 ? 0xde : 0xdf;
    if (extra === 2) slab.writeUInt16BE(count, at + 1);
    else slab.writeUInt32BE(count, at + 1);
  }

  /**
   * Write a length header: the fix form (`fix | n`) below `fixLimit`, else the 8-, 16- or
   * 32-bit form (`-1` where the family has none).
   */
  #header(n: number, fix: number, fixLimit: number, h8: number, h16: number, h32: number): void {
    const slab = this.#slab;
    let p = this.#pos;
    if (n < fixLimit) slab[p++] = fix | n;
    else if (h8 >= 0 && n < 0x100) {
      slab[p++] = h8;
      slab[p++] = n;
    } else if (n < 0x10000) {
      slab[p++] = h16;
      p = slab.writeUInt16BE(n, p);
    } else {
      slab[p++] = h32;
      p = slab.writeUInt32BE(n, p);
    }
    this.#pos = p;
  }

  /** Dates, Maps, Sets, bigints...: msgpackr's encoding, copied in place. */
  #foreign(value: unknown): void {
    const bytes = this.#fallback.pack(value);
    this.#ensure(bytes.length);
    this.#slab.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }
}

const SLAB_SIZE = 64 * 1024;

/**
 * Buffer#utf8Write and #utf8Slice: the methods under `write(s, at, 'utf8')` and
 * `toString('utf8', a, b)`, without their argument juggling (msgpackr uses them too).
 */
export interface FastBuffer extends Buffer {
  utf8Write(s: string, offset: number, length?: number): number;
  utf8Slice(start: number, end: number): string;
}
/** Deeper values are refused rather than risking the call stack. */
export const MAX_DEPTH = 200;

/** Buffer#writeUInt32BE without its range checks (the callers' values are in range). */
function writeUint32(slab: Buffer, n: number, p: number): number {
  slab[p] = n >>> 24;
  slab[p + 1] = n >>> 16;
  slab[p + 2] = n >>> 8;
  slab[p + 3] = n;
  return p + 4;
}

function hasEnumerableProperties(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
