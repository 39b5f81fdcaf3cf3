/** A MessagePack decoder for message-shaped data, handing extension types over to msgpackr. */
import type { Unpackr } from 'msgpackr';
import { type FastBuffer, MAX_DEPTH } from './encode.ts';
import { CACHED_MAX_BYTES, StringCache } from './string-cache.ts';
import { buildSlowly, MAX_STRUCTURE_KEYS, StructureCache } from './structures.ts';

/** Thrown for bytes that are not exactly one well-formed MessagePack value. */
export class MalformedError extends Error {}

/** Signals an extension type: the whole value is then decoded by msgpackr instead. */
class NeedsFallback extends Error {}

/**
 * Decodes exactly one MessagePack value. Maps become plain objects (integer keys become
 * strings, `__proto__` an own property), bin becomes a Buffer copy, 64-bit integers become
 * numbers while exact and BigInt beyond. Values with extension types (timestamps, ...)
 * are decoded by msgpackr. Lengths are checked against the bytes present before anything
 * is allocated, and nesting is bounded, so hostile input fails fast with MalformedError.
 */
export class Decoder {
  readonly #fallback: Unpackr;
  #src: Buffer = Buffer.alloc(0);
  #pos = 0;
  #end = 0;
  /** Keys, types, rooms and nicks repeat in every message: decode them once. */
  readonly #strings = new StringCache();
  /** Maps repeat the same keys in the same order: build them as literals. */
  readonly #structures = new StructureCache();
  readonly #scratch: Array<{ keys: string[]; values: unknown[] } | undefined> = [];

  /** @param fallback - msgpackr, for values that use extension types */
  constructor(fallback: Unpackr) {
    this.#fallback = fallback;
  }

  /**
   * @param bytes - one MessagePack value, nothing before or after it
   * @returns the value
   * @throws {MalformedError} truncated, trailing bytes, reserved bytes, too deep
   */
  decode(bytes: Uint8Array): unknown {
    this.#src = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    this.#pos = 0;
    this.#end = bytes.length;
    try {
      const value = this.#value(0);
      if (this.#pos !== this.#end) {
        throw new MalformedError(`${this.#end - this.#pos} bytes after the value`);
      }
      return value;
    } catch (err) {
      if (!(err instanceof NeedsFallback)) throw err;
      return this.#fallback.unpack(bytes);
    } finally {
      this.#src = EMPTY;
    }
  }

  #need(n: number): void {
    if (this.#pos + n > this.#end) {
      throw new MalformedError(`truncated: needed ${n} bytes at offset ${this.#pos}`);
    }
  }

  #value(depth: number): unknown {
    this.#need(1);
    const src = this.#src;
    const byte = src[this.#pos++]!;
    if (byte < 0x80) return byte;
    if (byte >= 0xe0) return byte - 0x100;
    if (byte >= 0xa0 && byte < 0xc0) return this.#string(byte & 0x1f);
    if (byte < 0x90) return this.#map(byte & 0x0f, depth);
    if (byte < 0xa0) return this.#array(byte & 0x0f, depth);
    switch (byte) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.#binary(this.#uint(1));
      case 0xc5:
        return this.#binary(this.#uint(2));
      case 0xc6:
        return this.#binary(this.#uint(4));
      case 0xca:
        this.#need(4);
        this.#pos += 4;
        return src.readFloatBE(this.#pos - 4);
      case 0xcb:
        this.#need(8);
        this.#pos += 8;
        return src.readDoubleBE(this.#pos - 8);
      case 0xcc:
        return this.#uint(1);
      case 0xcd:
        return this.#uint(2);
      case 0xce:
        return this.#uint(4);
      case 0xcf:
        return this.#int64(false);
      case 0xd0:
        this.#need(1);
        return src.readInt8(this.#pos++);
      case 0xd1:
        this.#need(2);
        this.#pos += 2;
        return src.readInt16BE(this.#pos - 2);
      case 0xd2:
        this.#need(4);
        this.#pos += 4;
        return src.readInt32BE(this.#pos - 4);
      case 0xd3:
        return this.#int64(true);
      case 0xd9:
        return this.#string(this.#uint(1));
      case 0xda:
        return this.#string(this.#uint(2));
      case 0xdb:
        return this.#string(this.#uint(4));
      case 0xdc:
        return this.#array(this.#uint(2), depth);
      case 0xdd:
        return this.#array(this.#uint(4), depth);
      case 0xde:
        return this.#map(this.#uint(2), depth);
      case 0xdf:
        return this.#map(this.#uint(4), depth);
      case 0xc1:
        throw new MalformedError('reserved byte 0xc1');
      default:
        // 0xc7-0xc9 and 0xd4-0xd8: extension types (timestamps and others).
        throw new NeedsFallback();
    }
  }

  #uint(size: 1 | 2 | 4): number {
    this.#need(size);
    const p = this.#pos;
    this.#pos += size;
    const src = this.#src;
    if (size === 1) return src[p]!;
    if (size === 2) return (src[p]! << 8) | src[p + 1]!;
    return src.readUInt32BE(p);
  }

  #int64(signed: boolean): number | bigint {
    this.#need(8);
    const src = this.#src;
    const p = this.#pos;
    this.#pos += 8;
    const high = signed ? src.readInt32BE(p) : src.readUInt32BE(p);
    const value = high * 0x100000000 + src.readUInt32BE(p + 4);
    if (Number.isSafeInteger(value)) return value;
    return signed ? src.readBigInt64BE(p) : src.readBigUInt64BE(p);
  }

  #string(length: number): string {
    this.#need(length);
    const start = this.#pos;
    this.#pos += length;
    if (length <= CACHED_MAX_BYTES) return this.#strings.get(this.#src, start, length);
    return (this.#src as FastBuffer).utf8Slice(start, start + length);
  }

  /** Map keys: strings (usually), or numbers and bigints as their decimal text. */
  #key(depth: number): string {
    const key = this.#value(depth + 1);
    if (typeof key === 'string') return key;
    if (typeof key === 'number' || typeof key === 'bigint') return String(key);
    throw new MalformedError(`map key of type ${key === null ? 'nil' : typeof key}`);
  }

  #binary(length: number): Buffer {
    this.#need(length);
    this.#pos += length;
    return Buffer.from(this.#src.subarray(this.#pos - length, this.#pos));
  }

  #array(length: number, depth: number): unknown[] {
    if (depth >= MAX_DEPTH) throw new MalformedError(`nested deeper than ${MAX_DEPTH} levels`);
    this.#need(length); // every element takes at least one byte
    const out = new Array(length);
    for (let i = 0; i < length; i++) out[i] = this.#value(depth + 1);
    return out;
  }

  #map(size: number, depth: number): Record<string, unknown> {
    if (depth >= MAX_DEPTH) throw new MalformedError(`nested deeper than ${MAX_DEPTH} levels`);
    this.#need(size * 2); // every key and value takes at least one byte
    if (size > MAX_STRUCTURE_KEYS) {
      const keys = new Array<string>(size);
      const values = new Array<unknown>(size);
      for (let i = 0; i < size; i++) {
        keys[i] = this.#key(depth);
        values[i] = this.#value(depth + 1);
      }
      return buildSlowly(keys, values, size);
    }
    // Small maps (all messages) use scratch arrays per depth: no allocation but the object.
    let scratch = this.#scratch[depth];
    if (scratch === undefined) {
      scratch = {
        keys: new Array<string>(MAX_STRUCTURE_KEYS).fill(''),
        values: new Array<unknown>(MAX_STRUCTURE_KEYS).fill(null),
      };
      this.#scratch[depth] = scratch;
    }
    const { keys, values } = scratch;
    for (let i = 0; i < size; i++) {
      keys[i] = this.#key(depth);
      values[i] = this.#value(depth + 1);
    }
    return this.#structures.build(keys, values, size);
  }
}

const EMPTY = Buffer.alloc(0);
