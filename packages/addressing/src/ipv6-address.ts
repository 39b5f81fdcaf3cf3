/** IPv6Address: an IPv6 address (four unsigned 32-bit words) with an optional zone id. */
import type { IPAddress } from './address.ts';
import { invalid, MAX4, MAX6, mismatch, outOfRange, toBig } from './address-common.ts';
import { type Classification, classify6 } from './classify.ts';
import { AddressError, quote } from './errors.ts';
import { IPv4Address } from './ipv4-address.ts';
import { explodeIPv6, formatIPv6, ipv6Problem, ipv6Words } from './ipv6-text.ts';

const words = new Uint16Array(8);

/**
 * An IPv6 address with an optional zone id (RFC 4007 `%eth0`), held as four unsigned 32-bit
 * words, most significant first. Immutable.
 * @example IPv6Address.parse('fe80::1%eth0').isLinkLocal // true
 */
export class IPv6Address {
  /** Always 6: narrows an {@link IPAddress} to this class. */
  readonly version = 6 as const;
  /** Address width in bits (Python's `max_prefixlen`). */
  readonly bits = 128 as const;

  /**
   * Wraps four words already known to be unsigned 32-bit integers; use
   * {@link IPv6Address.parse}, `fromBigInt` or `fromBytes` for anything else.
   * @param w0 bits 127..96
   * @param w1 bits 95..64
   * @param w2 bits 63..32
   * @param w3 bits 31..0
   * @param zone the zone id, without `%`
   * @example new IPv6Address(0, 0, 0, 1).toString() // '::1'
   */
  constructor(
    readonly w0: number,
    readonly w1: number,
    readonly w2: number,
    readonly w3: number,
    readonly zone?: string,
  ) {}

  /**
   * Parses IPv6 text exactly as Python's ipaddress does, with an optional `%zone`.
   * @param text RFC 4291 text (`::`, an embedded dotted quad, any case), no brackets
   * @returns the address, with its zone if the text had one
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
      // As Python: a zone is non-empty, without '%', and no '/' anywhere (that is a prefix).
      if (zone === '' || zone.includes('%') || zone.includes('/')) {
        throw invalid(text, 6, `invalid zone id ${quote(zone)}`);
      }
    }
    return fromWords(words, zone);
  }

  /**
   * Builds an address from a 128-bit integer (Python's `IPv6Address(int)`).
   * @param value 0..2^128-1, as a bigint or a safe integer
   * @param zone an optional zone id, without `%`
   * @returns the address
   * @throws {AddressError} `ERR_ADDRESS_OUT_OF_RANGE` outside 0..2^128-1, `ERR_INVALID_ARGUMENT` for an unsafe number
   * @example IPv6Address.fromBigInt(1n).toString() // '::1'
   */
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

  /**
   * The IPv4-mapped IPv6 address `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2), what a dual-stack
   * socket reports for an IPv4 peer. It lives here, not on IPv4Address, so that IPv4 never
   * loads IPv6: the IPv6 class knows the IPv4 one (mapped, 6to4, Teredo), never the reverse.
   * @param address the IPv4 address to embed
   * @returns `::ffff:` followed by its 32 bits, without zone
   * @example IPv6Address.mapIPv4(IPv4Address.parse('192.0.2.1')).toString() // '::ffff:192.0.2.1'
   */
  static mapIPv4(address: IPv4Address): IPv6Address {
    return new IPv6Address(0, 0, 0xffff, address.value);
  }

  /**
   * Builds an address from its 16 bytes in network order (Python's `IPv6Address(bytes)`).
   * @param bytes exactly 16 bytes, most significant first
   * @param zone an optional zone id, without `%`
   * @returns the address
   * @throws {AddressError} `ERR_INVALID_ADDRESS` for any other length
   * @example IPv6Address.fromBytes(new Uint8Array(16)).toString() // '::'
   */
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

  /**
   * @param into where to write, to avoid an allocation in a loop
   * @returns the eight 16-bit groups, most significant first
   * @example IPv6Address.parse('2001:db8::1').toWords() // Uint16Array.of(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)
   */
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
  /**
   * @returns RFC 5952 text (lower case, longest zero run as `::`), then `%zone` if any
   * @example IPv6Address.parse('2001:DB8:0:0::1').toString() // '2001:db8::1'
   */
  toString(): string {
    const text = formatIPv6(this.toWords(words));
    return this.zone === undefined ? text : `${text}%${this.zone}`;
  }
  /**
   * @returns eight groups of four hex digits (Python's `exploded`), then `%zone` if any
   * @example IPv6Address.parse('::1').toExploded() // '0000:0000:0000:0000:0000:0000:0000:0001'
   */
  toExploded(): string {
    const text = explodeIPv6(this.toWords());
    return this.zone === undefined ? text : `${text}%${this.zone}`;
  }
  /**
   * @returns the address as a 128-bit bigint (Python's `int(address)`; the zone is not part of it)
   * @example IPv6Address.parse('::1:0').toBigInt() // 65536n
   */
  toBigInt(): bigint {
    return (
      (BigInt(this.w0) << 96n) |
      (BigInt(this.w1) << 64n) |
      (BigInt(this.w2) << 32n) |
      BigInt(this.w3)
    );
  }
  /**
   * @returns the 16 bytes in network order (Python's `packed`; the zone is not part of it)
   * @example IPv6Address.parse('::1').toBytes()[15] // 1
   */
  toBytes(): Uint8Array {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, this.w0);
    view.setUint32(4, this.w1);
    view.setUint32(8, this.w2);
    view.setUint32(12, this.w3);
    return bytes;
  }
  /**
   * @returns the PTR name under ip6.arpa, one label per nibble, least significant first (RFC 3596 §2.5)
   * @example IPv6Address.parse('::1').reversePointer() // '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa'
   */
  reversePointer(): string {
    return `${[...explodeIPv6(this.toWords()).replaceAll(':', '')].reverse().join('.')}.ip6.arpa`;
  }
  /**
   * @returns the same address without its zone
   * @example IPv6Address.parse('fe80::1%eth0').withoutZone().toString() // 'fe80::1'
   */
  withoutZone(): IPv6Address {
    return this.zone === undefined ? this : new IPv6Address(this.w0, this.w1, this.w2, this.w3);
  }
  /**
   * The embedded IPv4 address of `::ffff:a.b.c.d`, else null (Python's `ipv4_mapped`).
   * @example IPv6Address.parse('::ffff:192.0.2.1').ipv4Mapped?.toString() // '192.0.2.1'
   */
  get ipv4Mapped(): IPv4Address | null {
    return this.w0 === 0 && this.w1 === 0 && this.w2 === 0xffff ? new IPv4Address(this.w3) : null;
  }
  /**
   * The IPv4 address inside a 6to4 address (2002::/16, RFC 3056), else null.
   * @example IPv6Address.parse('2002:c000:204::1').sixToFour?.toString() // '192.0.2.4'
   */
  get sixToFour(): IPv4Address | null {
    if (this.w0 >>> 16 !== 0x2002) return null;
    return new IPv4Address((((this.w0 & 0xffff) << 16) | (this.w1 >>> 16)) >>> 0);
  }
  /**
   * Teredo server and client (2001::/32, RFC 4380; the client's bits are stored inverted), else null.
   * @example IPv6Address.parse('2001:0:4136:e378:8000:63bf:3fff:fdd2').teredo?.map(String) // ['65.54.227.120', '192.0.2.45']
   */
  get teredo(): [server: IPv4Address, client: IPv4Address] | null {
    if (this.w0 !== 0x20010000) return null;
    return [new IPv4Address(this.w1), new IPv4Address(~this.w3 >>> 0)];
  }

  /**
   * Address arithmetic (Python's `address + n`); the result has no zone.
   * @param n how many addresses further on; negative goes back
   * @returns the address `n` further on
   * @throws {AddressError} `ERR_ADDRESS_OUT_OF_RANGE` past either end of the address space
   * @example IPv6Address.parse('::ffff').add(1).toString() // '::1:0'
   */
  add(n: number | bigint): IPv6Address {
    return IPv6Address.fromBigInt(this.toBigInt() + toBig(n));
  }
  /**
   * Orders two IPv6 addresses by value (zones ignored, as Python), for `Array.prototype.sort`.
   * @param other another IPv6 address
   * @returns -1, 0 or 1
   * @throws {AddressError} `ERR_VERSION_MISMATCH` for an IPv4 address, as Python's `TypeError`
   * @example IPv6Address.parse('::2').compare(IPv6Address.parse('::1')) // 1
   */
  compare(other: IPAddress): -1 | 0 | 1 {
    if (other.version !== 6) throw mismatch(this, other);
    const d = this.w0 - other.w0 || this.w1 - other.w1 || this.w2 - other.w2 || this.w3 - other.w3;
    return d < 0 ? -1 : d > 0 ? 1 : 0;
  }
  /**
   * @param other an address of either version
   * @returns whether `other` is IPv6 with the same value and the same zone, as Python's `==`
   * @example IPv6Address.parse('fe80::1%eth0').equals(IPv6Address.parse('fe80::1')) // false
   */
  equals(other: IPAddress): boolean {
    return other.version === 6 && this.compare(other) === 0 && this.zone === other.zone;
  }

  /**
   * @returns all of Python's `is_*` flags at once; IPv4-mapped addresses are private as their IPv4 is
   * @example IPv6Address.parse('fd00::1').classify().private // true
   */
  classify(): Classification {
    return classify6(this.toBigInt());
  }
  /** Not globally reachable (ULA fc00::/7, documentation, loopback...), as Python 3.11. */
  get isPrivate(): boolean {
    return this.classify().private;
  }
  /** Globally reachable: not private. */
  get isGlobal(): boolean {
    return this.classify().global;
  }
  /** `::1` (RFC 4291 §2.5.3). */
  get isLoopback(): boolean {
    return this.w0 === 0 && this.w1 === 0 && this.w2 === 0 && this.w3 === 1;
  }
  /** In fe80::/10 (RFC 4291 §2.5.6); such an address needs a zone to be used. */
  get isLinkLocal(): boolean {
    return this.w0 >>> 22 === 0x3fa;
  }
  /** In fec0::/10, deprecated by RFC 3879. */
  get isSiteLocal(): boolean {
    return this.w0 >>> 22 === 0x3fb;
  }
  /** In ff00::/8 (RFC 4291 §2.7). */
  get isMulticast(): boolean {
    return this.w0 >>> 24 === 0xff;
  }
  /** In one of the IETF-reserved blocks Python 3.11 lists (::/8, 100::/8, 200::/7...). */
  get isReserved(): boolean {
    return this.classify().reserved;
  }
  /** `::`, "any address" when listening (RFC 4291 §2.5.2). */
  get isUnspecified(): boolean {
    return this.w0 === 0 && this.w1 === 0 && this.w2 === 0 && this.w3 === 0;
  }
}

function fromWords(w: Uint16Array, zone?: string): IPv6Address {
  return new IPv6Address(
    ((w[0]! << 16) | w[1]!) >>> 0,
    ((w[2]! << 16) | w[3]!) >>> 0,
    ((w[4]! << 16) | w[5]!) >>> 0,
    ((w[6]! << 16) | w[7]!) >>> 0,
    zone,
  );
}
