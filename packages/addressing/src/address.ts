/** IPv4Address and IPv6Address: parse, format, compare, arithmetic, bytes, bigint, classification. */
import { type Classification, classify4, classify6 } from './classify.ts';
import { AddressError, quote } from './errors.ts';
import { formatIPv4, ipv4Problem, ipv4Value } from './ipv4-text.ts';
import { explodeIPv6, formatIPv6, ipv6Problem, ipv6Words } from './ipv6-text.ts';

const MAX4 = 0xffffffffn;
const MAX6 = (1n << 128n) - 1n;
const words = new Uint16Array(8);

function invalid(text: string, version: 4 | 6, why: string): AddressError {
  return new AddressError(
    'ERR_INVALID_ADDRESS',
    `invalid IPv${version} address ${quote(text)}: ${why}`,
    {
      input: text,
    },
  );
}

function outOfRange(value: bigint, version: 4 | 6): AddressError {
  return new AddressError(
    'ERR_ADDRESS_OUT_OF_RANGE',
    `${value} is outside the IPv${version} address space 0..${version === 4 ? MAX4 : MAX6}`,
  );
}

function toBig(n: number | bigint): bigint {
  if (typeof n === 'bigint') return n;
  if (!Number.isSafeInteger(n)) {
    throw new AddressError('ERR_INVALID_ARGUMENT', `${n} is not a safe integer; pass a bigint`);
  }
  return BigInt(n);
}

/** An IPv4 address, held as an unsigned 32-bit integer. Immutable. */
export class IPv4Address {
  readonly version = 4 as const;
  /** Address width in bits (Python's `max_prefixlen`). */
  readonly bits = 32 as const;

  /** @param value the address as an unsigned 32-bit integer (0..4294967295) */
  constructor(readonly value: number) {}

  /**
   * Parses strict dotted-quad text (`192.0.2.1`; no leading zeros, as Python).
   * @throws {AddressError} `ERR_INVALID_ADDRESS` naming the text and the problem
   * @example IPv4Address.parse('192.0.2.1').toNumber() // 3221225985
   */
  static parse(text: string): IPv4Address {
    const value = typeof text === 'string' ? ipv4Value(text) : -1;
    if (value < 0) throw invalid(String(text), 4, ipv4Problem(String(text)));
    return new IPv4Address(value);
  }

  /** Builds an address from an integer; @throws {AddressError} `ERR_ADDRESS_OUT_OF_RANGE`. */
  static fromBigInt(value: bigint | number): IPv4Address {
    const big = toBig(value);
    if (big < 0n || big > MAX4) throw outOfRange(big, 4);
    return new IPv4Address(Number(big));
  }

  /** Builds an address from 4 bytes in network order; @throws `ERR_INVALID_ADDRESS`. */
  static fromBytes(bytes: Uint8Array): IPv4Address {
    if (bytes.length !== 4) {
      throw new AddressError('ERR_INVALID_ADDRESS', `IPv4 needs 4 bytes, got ${bytes.length}`);
    }
    return new IPv4Address(
      ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0,
    );
  }

  /** Dotted-quad text. */
  toString(): string {
    return formatIPv4(this.value);
  }
  /** Same as {@link toString}: IPv4 has one text form (Python's `exploded`). */
  toExploded(): string {
    return this.toString();
  }
  toNumber(): number {
    return this.value;
  }
  toBigInt(): bigint {
    return BigInt(this.value);
  }
  /** The 4 bytes in network order (Python's `packed`). */
  toBytes(): Uint8Array {
    const v = this.value;
    return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  /** The PTR name: `1.2.0.192.in-addr.arpa` (RFC 1035 §3.5). */
  reversePointer(): string {
    return `${this.toString().split('.').reverse().join('.')}.in-addr.arpa`;
  }
  /** The IPv4-mapped IPv6 address `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2). */
  toMapped(): IPv6Address {
    return IPv6Address.fromBigInt(0xffff00000000n | BigInt(this.value));
  }

  /** The address `n` further on (negative: back); @throws `ERR_ADDRESS_OUT_OF_RANGE`. */
  add(n: number | bigint): IPv4Address {
    if (typeof n === 'number' && Number.isInteger(n)) {
      const sum = this.value + n;
      if (sum < 0 || sum > 0xffffffff) throw outOfRange(BigInt(sum), 4);
      return new IPv4Address(sum);
    }
    return IPv4Address.fromBigInt(this.toBigInt() + toBig(n));
  }
  /** -1, 0 or 1; @throws `ERR_VERSION_MISMATCH` when comparing with IPv6, as Python. */
  compare(other: IPAddress): -1 | 0 | 1 {
    if (other.version !== 4) throw mismatch(this, other);
    return this.value < other.value ? -1 : this.value > other.value ? 1 : 0;
  }
  equals(other: IPAddress): boolean {
    return other.version === 4 && other.value === this.value;
  }

  /** All of Python's `is_*` flags at once. */
  classify(): Classification {
    return classify4(this.value);
  }
  get isPrivate(): boolean {
    return this.classify().private;
  }
  get isGlobal(): boolean {
    return this.classify().global;
  }
  get isLoopback(): boolean {
    return this.value >>> 24 === 127;
  }
  get isLinkLocal(): boolean {
    return this.value >>> 16 === 0xa9fe;
  }
  get isMulticast(): boolean {
    return this.value >>> 28 === 14;
  }
  get isReserved(): boolean {
    return this.value >>> 28 === 15;
  }
  get isUnspecified(): boolean {
    return this.value === 0;
  }
}

/**
 * An IPv6 address with an optional zone id (RFC 4007 `%eth0`), held as four unsigned 32-bit
 * words, most significant first. Immutable.
 */
export class IPv6Address {
  readonly version = 6 as const;
  readonly bits = 128 as const;

  /** Use {@link IPv6Address.parse}, `fromBigInt` or `fromBytes`; the words are big-endian. */
  constructor(
    readonly w0: number,
    readonly w1: number,
    readonly w2: number,
    readonly w3: number,
    readonly zone?: string,
  ) {}

  /**
   * Parses IPv6 text exactly as Python's ipaddress does, with an optional `%zone`.
   * @throws {AddressError} `ERR_INVALID_ADDRESS` naming the text and the problem
   * @example IPv6Address.parse('2001:DB8:0:0::1').toString() // '2001:db8::1'
   */
  static parse(text: string): IPv6Address {
    if (typeof text !== 'string') throw invalid(String(text), 6, 'not a string');
    const percent = text.indexOf('%');
    const end = percent < 0 ? text.length : percent;
    if (!ipv6Words(text, words, 0, end)) throw invalid(text, 6, ipv6Problem(text.slice(0, end)));
    let zone: string | undefined;
    if (percent >= 0) {
      zone = text.slice(percent + 1);
      if (zone === '' || zone.includes('%'))
        throw invalid(text, 6, `invalid zone id ${quote(zone)}`);
    }
    return fromWords(words, zone);
  }

  /** Builds an address from a 128-bit integer; @throws `ERR_ADDRESS_OUT_OF_RANGE`. */
  static fromBigInt(value: bigint | number, zone?: string): IPv6Address {
    const big = toBig(value);
    if (big < 0n || big > MAX6) throw outOfRange(big, 6);
    return new IPv6Address(
      Number(big >> 96n),
      Number((big >> 64n) & MAX4),
      Number((big >> 32n) & MAX4),
      Number(big & MAX4),
      zone,
    );
  }

  /** Builds an address from 16 bytes in network order; @throws `ERR_INVALID_ADDRESS`. */
  static fromBytes(bytes: Uint8Array, zone?: string): IPv6Address {
    if (bytes.length !== 16) {
      throw new AddressError('ERR_INVALID_ADDRESS', `IPv6 needs 16 bytes, got ${bytes.length}`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
    return new IPv6Address(
      view.getUint32(0),
      view.getUint32(4),
      view.getUint32(8),
      view.getUint32(12),
      zone,
    );
  }

  /** The eight 16-bit groups, most significant first. */
  toWords(into: Uint16Array = new Uint16Array(8)): Uint16Array {
    const { w0, w1, w2, w3 } = this;
    into[0] = w0 >>> 16;
    into[1] = w0;
    into[2] = w1 >>> 16;
    into[3] = w1;
    into[4] = w2 >>> 16;
    into[5] = w2;
    into[6] = w3 >>> 16;
    into[7] = w3;
    return into;
  }
  /** RFC 5952 text (`2001:db8::1`, `::ffff:192.0.2.1`), then `%zone` if any. */
  toString(): string {
    const text = formatIPv6(this.toWords(words));
    return this.zone === undefined ? text : `${text}%${this.zone}`;
  }
  /** Eight groups of four hex digits (Python's `exploded`), then `%zone` if any. */
  toExploded(): string {
    const text = explodeIPv6(this.toWords());
    return this.zone === undefined ? text : `${text}%${this.zone}`;
  }
  toBigInt(): bigint {
    return (
      (BigInt(this.w0) << 96n) |
      (BigInt(this.w1) << 64n) |
      (BigInt(this.w2) << 32n) |
      BigInt(this.w3)
    );
  }
  /** The 16 bytes in network order (Python's `packed`; the zone is not part of it). */
  toBytes(): Uint8Array {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, this.w0);
    view.setUint32(4, this.w1);
    view.setUint32(8, this.w2);
    view.setUint32(12, this.w3);
    return bytes;
  }
  /** The PTR name under ip6.arpa, one label per nibble (RFC 3596 §2.5). */
  reversePointer(): string {
    return `${[...explodeIPv6(this.toWords()).replaceAll(':', '')].reverse().join('.')}.ip6.arpa`;
  }
  /** The same address without its zone. */
  withoutZone(): IPv6Address {
    return this.zone === undefined ? this : new IPv6Address(this.w0, this.w1, this.w2, this.w3);
  }
  /** The embedded IPv4 address of `::ffff:a.b.c.d`, else null (Python's `ipv4_mapped`). */
  get ipv4Mapped(): IPv4Address | null {
    return this.w0 === 0 && this.w1 === 0 && this.w2 === 0xffff ? new IPv4Address(this.w3) : null;
  }
  /** The IPv4 address inside a 6to4 address (2002::/16, RFC 3056), else null. */
  get sixToFour(): IPv4Address | null {
    if (this.w0 >>> 16 !== 0x2002) return null;
    return new IPv4Address((((this.w0 & 0xffff) << 16) | (this.w1 >>> 16)) >>> 0);
  }
  /** Teredo server and client (2001::/32, RFC 4380), else null. */
  get teredo(): [server: IPv4Address, client: IPv4Address] | null {
    if (this.w0 !== 0x20010000) return null;
    return [new IPv4Address(this.w1), new IPv4Address(~this.w3 >>> 0)];
  }

  /** The address `n` further on (negative: back), keeping no zone; @throws `ERR_ADDRESS_OUT_OF_RANGE`. */
  add(n: number | bigint): IPv6Address {
    return IPv6Address.fromBigInt(this.toBigInt() + toBig(n));
  }
  /** -1, 0 or 1 by numeric value (zones ignored, as Python); @throws `ERR_VERSION_MISMATCH`. */
  compare(other: IPAddress): -1 | 0 | 1 {
    if (other.version !== 6) throw mismatch(this, other);
    const d = this.w0 - other.w0 || this.w1 - other.w1 || this.w2 - other.w2 || this.w3 - other.w3;
    return d < 0 ? -1 : d > 0 ? 1 : 0;
  }
  /** Same value and same zone, as Python's `==`. */
  equals(other: IPAddress): boolean {
    return other.version === 6 && this.compare(other) === 0 && this.zone === other.zone;
  }

  classify(): Classification {
    return classify6(this.toBigInt());
  }
  get isPrivate(): boolean {
    return this.classify().private;
  }
  get isGlobal(): boolean {
    return this.classify().global;
  }
  get isLoopback(): boolean {
    return this.w0 === 0 && this.w1 === 0 && this.w2 === 0 && this.w3 === 1;
  }
  get isLinkLocal(): boolean {
    return this.w0 >>> 22 === 0x3fa;
  }
  get isSiteLocal(): boolean {
    return this.w0 >>> 22 === 0x3fb;
  }
  get isMulticast(): boolean {
    return this.w0 >>> 24 === 0xff;
  }
  get isReserved(): boolean {
    return this.classify().reserved;
  }
  get isUnspecified(): boolean {
    return this.w0 === 0 && this.w1 === 0 && this.w2 === 0 && this.w3 === 0;
  }
}

/** Either address family. Narrow with `address.version`. */
export type IPAddress = IPv4Address | IPv6Address;

function fromWords(w: Uint16Array, zone?: string): IPv6Address {
  return new IPv6Address(
    ((w[0]! << 16) | w[1]!) >>> 0,
    ((w[2]! << 16) | w[3]!) >>> 0,
    ((w[4]! << 16) | w[5]!) >>> 0,
    ((w[6]! << 16) | w[7]!) >>> 0,
    zone,
  );
}

function mismatch(a: IPAddress, b: IPAddress): AddressError {
  return new AddressError(
    'ERR_VERSION_MISMATCH',
    `cannot compare ${a} (IPv${a.version}) with ${b} (IPv${b.version})`,
  );
}

/**
 * Parses an IPv4 or IPv6 address (Python's `ip_address`): IPv6 when the text has a colon.
 * @throws {AddressError} `ERR_INVALID_ADDRESS` naming the text and the problem
 * @example parseAddress('fe80::1%eth0').zone // 'eth0'
 */
export function parseAddress(text: string): IPAddress {
  if (typeof text === 'string' && text.includes(':')) return IPv6Address.parse(text);
  return IPv4Address.parse(text);
}

/** Builds an address of the given version from an integer (Python's `ip_address(int)`, explicit). */
export function addressFromBigInt(version: 4 | 6, value: bigint | number): IPAddress {
  return version === 4 ? IPv4Address.fromBigInt(value) : IPv6Address.fromBigInt(value);
}

/** Builds an address from 4 or 16 bytes (Python's `ip_address(bytes)`). */
export function addressFromBytes(bytes: Uint8Array): IPAddress {
  return bytes.length === 4 ? IPv4Address.fromBytes(bytes) : IPv6Address.fromBytes(bytes);
}
