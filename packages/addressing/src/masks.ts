/** Prefix lengths, netmasks and hostmasks: conversions, and Python's `_make_netmask` parsing. */
import { AddressError, quote } from './errors.ts';
import { ipv4Value } from './ipv4-text.ts';

const ALL = 0xffffffff;

/**
 * The unsigned 32-bit mask with `bits` leading ones. Never throws: below 0 gives 0, above
 * 32 gives all ones, which is what the IPv6 word masks need.
 * @param bits the prefix length
 * @returns the mask as an unsigned 32-bit integer
 * @example mask32(24).toString(16) // 'ffffff00'
 */
export function mask32(bits: number): number {
  // A shift counts mod 32 (`ALL << 32` is ALL), hence the explicit ends; `>>> 0` reads the
  // signed 32-bit result as unsigned (0xffffff00, not -256), the form addresses are kept in.
  return bits <= 0 ? 0 : bits >= 32 ? ALL : (ALL << (32 - bits)) >>> 0;
}

/**
 * The prefix length of an IPv4 netmask given as an integer. Never throws.
 * @param mask an unsigned 32-bit integer
 * @returns the count of leading ones, or -1 when the ones are not contiguous
 * @example prefixOfMask32(0xffffff00) // 24
 */
export function prefixOfMask32(mask: number): number {
  const inverted = ~mask >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return -1;
  return 32 - (inverted === 0 ? 0 : 32 - Math.clz32(inverted));
}

function badMask(text: string, why: string): AddressError {
  return new AddressError('ERR_INVALID_NETMASK', `invalid network ${quote(text)}: ${why}`, {
    input: text,
  });
}

/** Python's `_make_netmask`: a decimal prefix, or for IPv4 a dotted netmask or hostmask. */
export function parsePrefix(text: string, maskText: string, bits: 32 | 128): number {
  if (/^[0-9]+$/.test(maskText)) {
    const prefix = Number(maskText);
    if (prefix <= bits) return prefix;
    throw badMask(text, `prefix length ${maskText} is more than ${bits}`);
  }
  const value = bits === 32 ? ipv4Value(maskText) : -1;
  if (value < 0) throw badMask(text, `${quote(maskText)} is not a valid prefix length or netmask`);
  const prefix = prefixOfMask32(value);
  if (prefix >= 0) return prefix;
  const fromHostmask = prefixOfMask32(~value >>> 0);
  if (fromHostmask >= 0) return fromHostmask;
  throw badMask(text, `${maskText} is neither a netmask nor a hostmask`);
}
