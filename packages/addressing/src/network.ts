/** IPNetwork: CIDR blocks for both versions, with Python's ipaddress semantics. */
import {
  addressFromBigInt,
  type IPAddress,
  IPv4Address,
  IPv6Address,
  parseAddress,
} from './address.ts';
import { type Classification, classifyRange4, classifyRange6 } from './classify.ts';
import { AddressError, quote } from './errors.ts';
import { mask32, parsePrefix } from './masks.ts';

/** Options for {@link IPNetwork.parse}. */
export interface NetworkOptions {
  /** Refuse host bits right of the prefix (`10.0.0.1/8`); default true, as Python. */
  strict?: boolean;
}

/**
 * An IP network (CIDR block): a network address and a prefix length. Immutable.
 * @example IPNetwork.parse('192.168.0.186/24', { strict: false }).toString() // '192.168.0.0/24'
 */
export class IPNetwork {
  readonly version: 4 | 6;
  readonly bits: 32 | 128;
  /** The zone of a scoped IPv6 network (`fe80::%eth0/64`, RFC 4007 §11.7), else undefined. */
  readonly zone: string | undefined;
  // The network address and the mask as big-endian unsigned 32-bit words (IPv4 uses n0/m0).
  private readonly n0: number;
  private readonly n1: number;
  private readonly n2: number;
  private readonly n3: number;
  private readonly m0: number;
  private readonly m1: number;
  private readonly m2: number;
  private readonly m3: number;

  /**
   * @param address any address in the network
   * @param prefix the prefix length, 0..32 or 0..128
   * @param strict throw `ERR_HOST_BITS_SET` when `address` has bits right of the prefix
   */
  constructor(
    address: IPAddress,
    readonly prefix: number,
    strict = true,
  ) {
    this.version = address.version;
    this.bits = address.bits;
    this.zone = undefined;
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > address.bits) {
      throw new AddressError(
        'ERR_INVALID_NETMASK',
        `prefix length ${prefix} is not in 0..${address.bits}`,
      );
    }
    if (address.version === 4) {
      this.m0 = mask32(prefix);
      this.m1 = this.m2 = this.m3 = 0;
      this.n0 = (address.value & this.m0) >>> 0;
      this.n1 = this.n2 = this.n3 = 0;
      if (strict && this.n0 !== address.value) throw hostBits(address, prefix);
    } else {
      this.m0 = mask32(prefix);
      this.m1 = mask32(prefix - 32);
      this.m2 = mask32(prefix - 64);
      this.m3 = mask32(prefix - 96);
      this.n0 = (address.w0 & this.m0) >>> 0;
      this.n1 = (address.w1 & this.m1) >>> 0;
      this.n2 = (address.w2 & this.m2) >>> 0;
      this.n3 = (address.w3 & this.m3) >>> 0;
      const same =
        this.n0 === address.w0 &&
        this.n1 === address.w1 &&
        this.n2 === address.w2 &&
        this.n3 === address.w3;
      if (strict && !same) throw hostBits(address, prefix);
      // As Python: clearing host bits makes a new address, and the zone stays behind.
      this.zone = same ? address.zone : undefined;
    }
  }

  /**
   * Parses `address/prefix`, `address/netmask` or `address/hostmask` (netmask and hostmask
   * forms are IPv4 only, as in Python); a bare address is a /32 or /128.
   * @throws {AddressError} `ERR_INVALID_ADDRESS`, `ERR_INVALID_NETMASK`, or `ERR_HOST_BITS_SET`
   *   when strict (the default) and the address has host bits set
   * @example IPNetwork.parse('10.0.0.0/255.255.252.0').prefix // 22
   */
  static parse(text: string, options: NetworkOptions = {}): IPNetwork {
    if (typeof text !== 'string') {
      throw new AddressError('ERR_INVALID_ADDRESS', `network must be a string, got ${typeof text}`);
    }
    const slash = text.indexOf('/');
    if (slash >= 0 && text.indexOf('/', slash + 1) >= 0) {
      throw new AddressError(
        'ERR_INVALID_ADDRESS',
        `invalid network ${quote(text)}: only one '/' permitted`,
        {
          input: text,
        },
      );
    }
    const addressText = slash < 0 ? text : text.slice(0, slash);
    const address = parseAddress(addressText);
    const prefix =
      slash < 0 ? address.bits : parsePrefix(text, text.slice(slash + 1), address.bits);
    return new IPNetwork(address, prefix, options.strict ?? true);
  }

  /** Builds a network from its first address as an integer and a prefix length. */
  static fromBigInt(version: 4 | 6, value: bigint, prefix: number, strict = true): IPNetwork {
    return new IPNetwork(addressFromBigInt(version, value), prefix, strict);
  }

  /** The first address (Python's `network_address`). */
  get networkAddress(): IPAddress {
    if (this.version === 4) return new IPv4Address(this.n0);
    return new IPv6Address(this.n0, this.n1, this.n2, this.n3, this.zone);
  }
  /** The last address (Python's `broadcast_address`, also for IPv6). */
  get broadcastAddress(): IPAddress {
    if (this.version === 4) return new IPv4Address((this.n0 | ~this.m0) >>> 0);
    return new IPv6Address(
      (this.n0 | ~this.m0) >>> 0,
      (this.n1 | ~this.m1) >>> 0,
      (this.n2 | ~this.m2) >>> 0,
      (this.n3 | ~this.m3) >>> 0,
    );
  }
  /** The netmask as an address (`255.255.255.0`). */
  get netmask(): IPAddress {
    if (this.version === 4) return new IPv4Address(this.m0);
    return new IPv6Address(this.m0, this.m1, this.m2, this.m3);
  }
  /** The hostmask as an address (`0.0.0.255`). */
  get hostmask(): IPAddress {
    if (this.version === 4) return new IPv4Address(~this.m0 >>> 0);
    return new IPv6Address(~this.m0 >>> 0, ~this.m1 >>> 0, ~this.m2 >>> 0, ~this.m3 >>> 0);
  }
  /** How many addresses the network spans, 2^(bits - prefix). */
  get numAddresses(): bigint {
    return 1n << BigInt(this.bits - this.prefix);
  }
  /** The first address as an integer. */
  get first(): bigint {
    return this.networkAddress.toBigInt();
  }
  /** The last address as an integer. */
  get last(): bigint {
    return this.broadcastAddress.toBigInt();
  }

  /** `address/prefix` (Python's `with_prefixlen` and `str`). */
  toString(): string {
    return `${this.networkAddress}/${this.prefix}`;
  }
  /** `address/netmask`, e.g. `10.0.0.0/255.0.0.0`. */
  withNetmask(): string {
    return `${this.networkAddress}/${this.netmask}`;
  }
  /** `address/hostmask`, e.g. `10.0.0.0/0.255.255.255`. */
  withHostmask(): string {
    return `${this.networkAddress}/${this.hostmask}`;
  }

  /** Whether `address` is in this network; false for the other IP version; zones are ignored, as Python. */
  contains(address: IPAddress): boolean {
    if (address.version === 4) {
      return this.version === 4 && (address.value & this.m0) >>> 0 === this.n0;
    }
    return (
      this.version === 6 &&
      (address.w0 & this.m0) >>> 0 === this.n0 &&
      (address.w1 & this.m1) >>> 0 === this.n1 &&
      (address.w2 & this.m2) >>> 0 === this.n2 &&
      (address.w3 & this.m3) >>> 0 === this.n3
    );
  }
  /** Whether the two networks share an address; false across versions. */
  overlaps(other: IPNetwork): boolean {
    return (
      this.contains(other.networkAddress) ||
      this.contains(other.broadcastAddress) ||
      other.contains(this.networkAddress) ||
      other.contains(this.broadcastAddress)
    );
  }
  /** Whether this network lies inside `other`; @throws `ERR_VERSION_MISMATCH`. */
  subnetOf(other: IPNetwork): boolean {
    sameVersion(this, other);
    return other.prefix <= this.prefix && other.contains(this.networkAddress);
  }
  /** Whether `other` lies inside this network; @throws `ERR_VERSION_MISMATCH`. */
  supernetOf(other: IPNetwork): boolean {
    return other.subnetOf(this);
  }
  /** Same version, address and prefix. */
  equals(other: IPNetwork): boolean {
    return (
      this.version === other.version &&
      this.prefix === other.prefix &&
      this.zone === other.zone &&
      this.first === other.first
    );
  }
  /** Orders by network address, then netmask (Python's `<`); @throws `ERR_VERSION_MISMATCH`. */
  compare(other: IPNetwork): -1 | 0 | 1 {
    sameVersion(this, other);
    const d = this.networkAddress.compare(other.networkAddress);
    if (d !== 0) return d;
    return this.prefix < other.prefix ? -1 : this.prefix > other.prefix ? 1 : 0;
  }

  /** Every address, network and broadcast included, lazily. */
  *[Symbol.iterator](): Generator<IPAddress> {
    const first = this.first;
    const last = this.last;
    for (let v = first; v <= last; v++) yield addressFromBigInt(this.version, v);
  }
  /**
   * The usable host addresses, lazily, with Python's rules: IPv4 drops the network and
   * broadcast addresses except in a /31 (RFC 3021) or /32; IPv6 drops only the
   * Subnet-Router anycast address (the first), except in a /127 (RFC 6164) or /128.
   */
  *hosts(): Generator<IPAddress> {
    // A /32 or /128 is its one address, zone included (as Python).
    if (this.prefix === this.bits) return yield this.networkAddress;
    const [first, last] = this.hostRange();
    for (let v = first; v <= last; v++) yield addressFromBigInt(this.version, v);
  }
  /** How many addresses {@link hosts} yields. */
  get numHosts(): bigint {
    const [first, last] = this.hostRange();
    return last - first + 1n;
  }
  /** First and last host as integers (see {@link hosts}). */
  hostRange(): [first: bigint, last: bigint] {
    const first = this.first;
    const last = this.last;
    if (this.bits - this.prefix <= 1) return [first, last];
    return this.version === 4 ? [first + 1n, last - 1n] : [first + 1n, last];
  }

  /** Python's `is_*` flags for the network: each holds when it holds for both ends. */
  classify(): Classification {
    if (this.version === 4) return classifyRange4(this.n0, (this.n0 | ~this.m0) >>> 0);
    return classifyRange6(this.first, this.last);
  }

  /**
   * The subnets of prefix `newPrefix` (default one longer), lazily in address order.
   * A /32 or /128 yields itself, as Python.
   * @throws {AddressError} `ERR_INVALID_ARGUMENT` when `newPrefix` is shorter or too long
   */
  subnets(newPrefix = this.prefix + 1): Generator<IPNetwork> {
    if (this.prefix === this.bits) return only(this);
    if (!Number.isInteger(newPrefix) || newPrefix < this.prefix || newPrefix > this.bits) {
      throw new AddressError(
        'ERR_INVALID_ARGUMENT',
        `cannot split ${this} into /${newPrefix}: the new prefix must be in ${this.prefix}..${this.bits}`,
      );
    }
    return subnetsOf(this, newPrefix);
  }
  /**
   * The network containing this one with prefix `newPrefix` (default one shorter); a /0
   * is its own supernet, as Python.
   * @throws {AddressError} `ERR_INVALID_ARGUMENT` when `newPrefix` is longer or negative
   */
  supernet(newPrefix = this.prefix - 1): IPNetwork {
    if (this.prefix === 0) return this;
    if (!Number.isInteger(newPrefix) || newPrefix > this.prefix || newPrefix < 0) {
      throw new AddressError(
        'ERR_INVALID_ARGUMENT',
        `no supernet /${newPrefix} of ${this}: the new prefix must be in 0..${this.prefix}`,
      );
    }
    return new IPNetwork(this.networkAddress, newPrefix, false);
  }
}

function* only<T>(item: T): Generator<T> {
  yield item;
}

function* subnetsOf(network: IPNetwork, newPrefix: number): Generator<IPNetwork> {
  const step = 1n << BigInt(network.bits - newPrefix);
  const last = network.last;
  for (let v = network.first; v <= last; v += step) {
    yield IPNetwork.fromBigInt(network.version, v, newPrefix);
  }
}

function hostBits(address: IPAddress, prefix: number): AddressError {
  return new AddressError('ERR_HOST_BITS_SET', `${address}/${prefix} has host bits set`, {
    input: `${address}/${prefix}`,
  });
}

/** @throws {AddressError} `ERR_VERSION_MISMATCH` unless both are the same IP version. */
export function sameVersion(a: { version: 4 | 6 }, b: { version: 4 | 6 }): void {
  if (a.version !== b.version) {
    throw new AddressError('ERR_VERSION_MISMATCH', `${a} and ${b} are not of the same IP version`);
  }
}

/** Python's `ip_network(text, strict)`: parses a network of either version. */
export function parseNetwork(text: string, options: NetworkOptions = {}): IPNetwork {
  return IPNetwork.parse(text, options);
}
