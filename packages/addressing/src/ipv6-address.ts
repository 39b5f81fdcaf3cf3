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
      // As Python: a zone is non-empty, without '%', and no '/' anywhere (that is a prefix).
      if (zone === '' || zone.includes('%') || zone.includes('/')) {
        throw invalid(text, 6, `invalid zone id ${quote(zone)}`);
      }
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

function fromWords(w: Uint16Array, zone?: string): IPv6Address {
  return new IPv6Address(
    ((w[0]! << 16) | w[1]!) >>> 0,
    ((w[2]! << 16) | w[3]!) >>> 0,
    ((w[4]! << 16) | w[5]!) >>> 0,
    ((w[6]! << 16) | w[7]!) >>> 0,
    zone,
  );
}
