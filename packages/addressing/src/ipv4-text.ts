/** IPv4 dotted-quad text to a uint32 and back, strict like Python's ipaddress (no leading zeros). */

/**
 * Parses `a.b.c.d` between `start` and `end` of `text` into an unsigned 32-bit integer.
 * Exactly four decimal octets, 0..255, no leading zeros (`010` is octal to inet_aton and
 * decimal to others, so Python rejects it and so do we), nothing else.
 * @returns the value, or -1 when the text is not a valid address (see {@link ipv4Problem}).
 */
export function ipv4Value(text: string, start = 0, end = text.length): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (leadingZero) return -1;
      if (digits === 0 && c === 48) leadingZero = true;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      leadingZero = false;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

/** Says what is wrong with text that {@link ipv4Value} rejected, in Python's words. */
export function ipv4Problem(text: string): string {
  if (text === '') return 'address cannot be empty';
  const octets = text.split('.');
  if (octets.length !== 4) return `expected 4 octets, found ${octets.length}`;
  for (const octet of octets) {
    if (octet === '') return 'empty octet not permitted';
    if (!/^[0-9]+$/.test(octet))
      return `only decimal digits permitted in octet ${JSON.stringify(octet)}`;
    if (octet.length > 3) return `at most 3 characters permitted in octet ${JSON.stringify(octet)}`;
    if (octet.length > 1 && octet[0] === '0') {
      return `leading zeros are not permitted in octet ${JSON.stringify(octet)}`;
    }
    if (Number(octet) > 255) return `octet ${octet} (> 255) not permitted`;
  }
  return 'not a valid IPv4 address';
}

// The 256 octet strings, so formatting is four lookups and a join, no number conversion.
const OCTET = Array.from({ length: 256 }, (_, i) => String(i));

/** Formats an unsigned 32-bit integer as dotted-quad text. */
export function formatIPv4(value: number): string {
  return `${OCTET[value >>> 24]}.${OCTET[(value >>> 16) & 255]}.${OCTET[(value >>> 8) & 255]}.${OCTET[value & 255]}`;
}
