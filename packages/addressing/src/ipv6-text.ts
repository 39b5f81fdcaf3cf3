/** IPv6 text to eight 16-bit words and back: RFC 4291 §2.2 input, RFC 5952 canonical output. */
import { ipv4Value } from './ipv4-text.ts';

const scratch = new Uint16Array(8);

// Number#toString(16) is slow in V8; two 256-entry tables make a group's hex in one lookup or two.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16));
const HEX_PADDED = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** One group as lowercase hex without leading zeros. */
function hexWord(word: number): string {
  return word < 256 ? HEX[word]! : HEX[word >>> 8]! + HEX_PADDED[word & 255]!;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses IPv6 text (no zone, no brackets) between `start` and `end` into `out` (8 words).
 * Accepts exactly what Python's ipaddress accepts: 1-4 hex digits per group, one `::`
 * standing for at least one zero group, an optional dotted-quad IPv4 tail.
 * @returns false when the text is not a valid address (see {@link ipv6Problem}).
 */
export function ipv6Words(text: string, out: Uint16Array, start = 0, end = text.length): boolean {
  let i = start;
  let n = 0;
  let skip = -1;
  if (end - i >= 2 && text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return false;
    skip = 0;
    i += 2;
  }
  while (i < end) {
    const groupStart = i;
    let word = 0;
    let d = 0;
    for (; i < end; i++) {
      const h = hexDigit(text.charCodeAt(i));
      if (h < 0) break;
      word = (word << 4) | h;
      d++;
    }
    if (i < end && text.charCodeAt(i) === 46) {
      // RFC 4291 §2.2 form 3: the last 32 bits as a dotted quad.
      const v4 = ipv4Value(text, groupStart, end);
      if (v4 < 0 || n > 6) return false;
      scratch[n++] = v4 >>> 16;
      scratch[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (d === 0 || d > 4 || n === 8) return false;
    scratch[n++] = word;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (skip >= 0) return false;
      skip = n;
      i++;
    } else if (i === end) {
      return false;
    }
  }
  if (skip < 0) {
    if (n !== 8) return false;
    out.set(scratch);
    return true;
  }
  if (n > 7) return false;
  const zeros = 8 - n;
  for (let k = 0; k < skip; k++) out[k] = scratch[k]!;
  for (let k = skip; k < skip + zeros; k++) out[k] = 0;
  for (let k = skip; k < n; k++) out[k + zeros] = scratch[k]!;
  return true;
}

/** Says what is wrong with text that {@link ipv6Words} rejected, in Python's words. */
export function ipv6Problem(text: string): string {
  if (text === '') return 'address cannot be empty';
  const parts = text.split(':');
  if (parts.length < 3) return 'at least 3 parts expected (two colons)';
  const last = parts[parts.length - 1]!;
  if (last.includes('.')) {
    if (ipv4Value(last) < 0) return `invalid IPv4 tail ${JSON.stringify(last)}`;
    parts.splice(parts.length - 1, 1, '0', '0');
  }
  if (parts.length > 9) return 'at most 8 colons permitted';
  const inner = parts.slice(1, -1).filter((p) => p === '').length;
  if (inner > 1) return "at most one '::' permitted";
  if (parts[0] === '' && parts[1] !== '') return "leading ':' only permitted as part of '::'";
  if (last === '' && parts[parts.length - 2] !== '') {
    return "trailing ':' only permitted as part of '::'";
  }
  for (const part of parts) {
    if (!/^[0-9a-fA-F]*$/.test(part)) return `only hex digits permitted in ${JSON.stringify(part)}`;
    if (part.length > 4) return `at most 4 characters permitted in ${JSON.stringify(part)}`;
  }
  if (inner === 0 && parts.length !== 8) return "exactly 8 groups expected without '::'";
  return "expected at most 7 other groups with '::'";
}

/** The RFC 5952 §4.2 run to compress: the longest run of two or more zero words, first wins. */
function zeroRun(words: ArrayLike<number>): [start: number, length: number] {
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  for (let k = 0; k <= 8; k++) {
    if (k < 8 && words[k] === 0) {
      if (runStart < 0) runStart = k;
    } else if (runStart >= 0) {
      if (k - runStart > bestLength) {
        bestStart = runStart;
        bestLength = k - runStart;
      }
      runStart = -1;
    }
  }
  return [bestStart, bestLength];
}

/**
 * Formats eight words as RFC 5952 text: lowercase, no leading zeros, the longest zero run
 * (two words or more) as `::`, and `::ffff:a.b.c.d` for IPv4-mapped addresses (§5).
 */
export function formatIPv6(words: ArrayLike<number>): string {
  if (
    words[0] === 0 &&
    words[1] === 0 &&
    words[2] === 0 &&
    words[3] === 0 &&
    words[4] === 0 &&
    words[5] === 0xffff
  ) {
    const hi = words[6]!;
    const lo = words[7]!;
    return `::ffff:${hi >>> 8}.${hi & 255}.${lo >>> 8}.${lo & 255}`;
  }
  const [start, length] = zeroRun(words);
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === start) {
      out += k === 0 ? '::' : ':';
      k += length - 1;
      continue;
    }
    out += hexWord(words[k]!);
    if (k < 7) out += ':';
  }
  return out;
}

/** Formats eight words in full: eight groups of four hex digits (Python's `exploded`). */
export function explodeIPv6(words: ArrayLike<number>): string {
  const groups: string[] = [];
  for (let k = 0; k < 8; k++) groups.push(words[k]!.toString(16).padStart(4, '0'));
  return groups.join(':');
}
