/** IPv4Address: an IPv4 address as an unsigned 32-bit integer, with Python's ipaddress semantics. */
import type { IPAddress } from './address.ts';
import { invalid, MAX4, mismatch, outOfRange, toBig } from './address-common.ts';
import { type Classification, classify4 } from './classify.ts';
import { AddressError } from './errors.ts';
import { formatIPv4, ipv4Problem, ipv4Value } from './ipv4-text.ts';

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
