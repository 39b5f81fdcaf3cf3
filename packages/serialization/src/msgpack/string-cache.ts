/** A small cache of decoded short strings: keys, types, rooms and nicks repeat in every message. */

/** Strings up to this many UTF-8 bytes are cached. */
export const CACHED_MAX_BYTES = 16;
const SLOTS = 512;

/**
 * Direct-mapped: a hash of the bytes picks one slot, whose bytes are compared exactly, so a
 * hit always returns the right string and a miss just replaces the slot. The bytes live in
 * one flat table, so filling a slot allocates nothing but the string itself.
 */
export class StringCache {
  readonly #bytes = new Uint8Array(SLOTS * CACHED_MAX_BYTES);
  readonly #lengths = new Int8Array(SLOTS).fill(-1);
  readonly #strings: string[] = new Array<string>(SLOTS).fill('');

  /**
   * The string for `src[start, start + length)`, decoded once and then reused.
   * @param src - the bytes
   * @param start - offset of the string's first byte
   * @param length - byte length, at most {@link CACHED_MAX_BYTES}
   * @returns the decoded string
   */
  get(src: Buffer, start: number, length: number): string {
    if (length === 0) return '';
    const end = start + length;
    // Length and three bytes pick the slot; the full comparison below decides.
    const hash = length * 31 + src[start]! * 7 + src[end - 1]! * 3 + src[start + (length >> 1)]!;
    const slot = hash & (SLOTS - 1);
    const table = this.#bytes;
    const base = slot * CACHED_MAX_BYTES;
    if (this.#lengths[slot] === length) {
      let i = 0;
      while (i < length && table[base + i] === src[start + i]) i++;
      if (i === length) return this.#strings[slot]!;
    }
    const decoded = decodeShort(src, start, end);
    for (let i = 0; i < length; i++) table[base + i] = src[start + i]!;
    this.#lengths[slot] = length;
    this.#strings[slot] = decoded;
    return decoded;
  }
}

/** ASCII in JS (cheaper than a call into C++ at this size), anything else as UTF-8. */
function decodeShort(src: Buffer, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    if (c >= 0x80) return src.toString('utf8', start, end);
    out += String.fromCharCode(c);
  }
  return out;
}
