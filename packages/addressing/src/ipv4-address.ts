/** IPv4Address: an IPv4 address as an unsigned 32-bit integer, with Python's ipaddress semantics. */
import type { IPAddress } from './address.ts';
import { invalid, MAX4, mismatch, outOfRange, toBig } from './address-common.ts';
import { type Classification, classify4 } from './classify.ts';
import { AddressError } from './errors.ts';
import { formatIPv4, ipv4Problem, ipv4Value } from './ipv4-text.ts';

/**
 * An IPv4 address, held as an unsigned 32-bit integer. Immutable.
 * @example IPv4Address.parse('192.0.2.1').add(1).toString() // '192.0.2.2'
 */
export class IPv4Address {
  /** Always 4: narrows an {@link IPAddress} to this class. */
  readonly version = 4 as const;
  /** Address width in bits (Python's `max_prefixlen`). */
  readonly bits = 32 as const;

  /**
   * Wraps a value already known to be in range; use {@link IPv4Address.parse} or
   * {@link IPv4Address.fromBigInt} for anything that is not.
   * @param value the address as an unsigned 32-bit integer (0..4294967295)
   * @example new IPv4Address(0x7f000001).toString() // '127.0.0.1'
   */
  constructor(readonly value: number) {}

  /**
   * Parses strict dotted-quad text (`192.0.2.1`; no leading zeros, as Python).
   * @param text four decimal octets 0..255 joined by dots
   * @returns the address
   * @throws {AddressError} `ERR_INVALID_ADDRESS` naming the text and the problem
   * @example IPv4Address.parse('192.0.2.1').toNumber() // 3221225985
   */
  static parse(text: string): IPv4Address {
    const value = typeof text === 'string' ? ipv4Value(text) : -1;
    if (value < 0) throw invalid(String(text), 4, ipv4Problem(String(text)));
    return new IPv4Address(value);
  }

  /**
   * Builds an address from an integer (Python's `IPv4Address(int)`).
   * @param value 0..2^32-1, as a bigint or a safe integer
   * @returns the address
   * @throws {AddressError} `ERR_ADDRESS_OUT_OF_RANGE` outside 0..2^32-1, `ERR_INVALID_ARGUMENT` for an unsafe number
   * @example IPv4Address.fromBigInt(3221225985n).toString() // '192.0.2.1'
   */
  static fromBigInt(value: bigint | number): IPv4Address {
    const big = toBig(value);
    if (big < 0n || big > MAX4) throw outOfRange(big, 4);
    return new IPv4Address(Number(big));
  }

  /**
   * Builds an address from its 4 bytes in network order (Python's `IPv4Address(bytes)`).
   * @param bytes exactly 4 bytes, most significant first
   * @returns the address
   * @throws {AddressError} `ERR_INVALID_ADDRESS` for any other length
   * @example IPv4Address.fromBytes(Uint8Array.of(192, 0, 2, 1)).toString() // '192.0.2.1'
   */
  static fromBytes(bytes: Uint8Array): IPv4Address {
    if (bytes.length !== 4) {
      throw new AddressError('ERR_INVALID_ADDRESS', `IPv4 needs 4 bytes, got ${bytes.length}`);
    }
    return new IPv4Address(
      ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0,
    );
  }

  /**
   * @returns dotted-quad text
   * @example String(IPv4Address.fromBigInt(0)) // '0.0.0.0'
   */
  toString(): string {
    return formatIPv4(this.value);
  }
  /**
   * @returns the same as {@link toString}: IPv4 has one text form (Python's `exploded`)
   * @example IPv4Address.parse('10.0.0.1').toExploded() // '10.0.0.1'
   */
  toExploded(): string {
    return this.toString();
  }
  /**
   * @returns the address as an unsigned 32-bit integer
   * @example IPv4Address.parse('0.0.1.0').toNumber() // 256
   */
  toNumber(): number {
    return this.value;
  }
  /**
   * @returns the address as a bigint (Python's `int(address)`)
   * @example IPv4Address.parse('0.0.1.0').toBigInt() // 256n
   */
  toBigInt(): bigint {
    return BigInt(this.value);
  }
  /**
   * @returns the 4 bytes in network order (Python's `packed`)
   * @example IPv4Address.parse('192.0.2.1').toBytes() // Uint8Array.of(192, 0, 2, 1)
   */
  toBytes(): Uint8Array {
    const v = this.value;
    return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  /**
   * @returns the PTR name, octets reversed under in-addr.arpa (RFC 1035 §3.5)
   * @example IPv4Address.parse('192.0.2.1').reversePointer() // '1.2.0.192.in-addr.arpa'
   */
  reversePointer(): string {
    return `${this.toString().split('.').reverse().join('.')}.in-addr.arpa`;
  }

  /**
   * Address arithmetic (Python's `address + n`).
   * @param n how many addresses further on; negative goes back
   * @returns the address `n` further on
   * @throws {AddressError} `ERR_ADDRESS_OUT_OF_RANGE` past either end of the address space
   * @example IPv4Address.parse('10.0.0.255').add(1).toString() // '10.0.1.0'
   */
  add(n: number | bigint): IPv4Address {
    if (typeof n === 'number' && Number.isInteger(n)) {
      const sum = this.value + n;
      if (sum < 0 || sum > 0xffffffff) throw outOfRange(BigInt(sum), 4);
      return new IPv4Address(sum);
    }
    return IPv4Address.fromBigInt(this.toBigInt() + toBig(n));
  }
  /**
   * Orders two IPv4 addresses by value, for `Array.prototype.sort`.
   * @param other another IPv4 address
   * @returns -1, 0 or 1
   * @throws {AddressError} `ERR_VERSION_MISMATCH` for an IPv6 address, as Python's `TypeError`
   * @example IPv4Address.parse('10.0.0.1').compare(IPv4Address.parse('10.0.0.2')) // -1
   */
  compare(other: IPAddress): -1 | 0 | 1 {
    if (other.version !== 4) throw mismatch(this, other);
    return this.value < other.value ? -1 : this.value > other.value ? 1 : 0;
  }
  /**
   * @param other an address of either version
   * @returns whether `other` is IPv4 with the same value (never throws, as Python's `==`)
   * @example IPv4Address.parse('10.0.0.1').equals(IPv4Address.fromBigInt(0x0a000001)) // true
   */
  equals(other: IPAddress): boolean {
    return other.version === 4 && other.value === this.value;
  }

  /**
   * @returns all of Python's `is_*` flags at once, from the IANA special-purpose registry
   * @example IPv4Address.parse('10.1.2.3').classify().private // true
   */
  classify(): Classification {
    return classify4(this.value);
  }
  /** Not globally reachable (RFC 1918, loopback, link-local, documentation...), as Python 3.11. */
  get isPrivate(): boolean {
    return this.classify().private;
  }
  /** Globally reachable: not private and not shared address space (100.64.0.0/10). */
  get isGlobal(): boolean {
    return this.classify().global;
  }
  /** In 127.0.0.0/8 (RFC 1122 §3.2.1.3). */
  get isLoopback(): boolean {
    return this.value >>> 24 === 127;
  }
  /** In 169.254.0.0/16 (RFC 3927). */
  get isLinkLocal(): boolean {
    return this.value >>> 16 === 0xa9fe;
  }
  /** In 224.0.0.0/4 (RFC 5771). */
  get isMulticast(): boolean {
    return this.value >>> 28 === 14;
  }
  /** In 240.0.0.0/4, the old class E (RFC 1112 §4). */
  get isReserved(): boolean {
    return this.value >>> 28 === 15;
  }
  /** 0.0.0.0, "any address" when listening (RFC 1122 §3.2.1.3). */
  get isUnspecified(): boolean {
    return this.value === 0;
  }
}
