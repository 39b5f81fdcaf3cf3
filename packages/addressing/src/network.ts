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

/**
 * Options for {@link IPNetwork.parse}.
 * @example parseNetwork('10.0.0.1/8', { strict: false }).toString() // '10.0.0.0/8'
 */
export interface NetworkOptions {
  /** Refuse host bits right of the prefix (`10.0.0.1/8`); default true, as Python. */
  strict?: boolean;
}

/**
 * An IP network (CIDR block): a network address and a prefix length. Immutable.
 * @example IPNetwork.parse('192.168.0.186/24', { strict: false }).toString() // '192.168.0.0/24'
 */
export class IPNetwork {
  /** The IP version of its addresses. */
  readonly version: 4 | 6;
  /** Address width in bits: 32 or 128 (Python's `max_prefixlen`). */
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
   * @throws {AddressError} `ERR_INVALID_NETMASK` for a bad prefix, `ERR_HOST_BITS_SET` when strict
   * @example new IPNetwork(parseAddress('10.1.2.3'), 8, false).toString() // '10.0.0.0/8'
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
   * @param text the network as typed
   * @param options `strict: false` clears host bits instead of refusing them
   * @returns the network
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

  /**
   * Builds a network from its first address as an integer and a prefix length.
   * @param version 4 or 6
   * @param value the network address as an integer
   * @param prefix the prefix length
   * @param strict refuse host bits (default) or clear them
   * @returns the network
   * @throws {AddressError} `ERR_ADDRESS_OUT_OF_RANGE`, `ERR_INVALID_NETMASK`, `ERR_HOST_BITS_SET`
   * @example IPNetwork.fromBigInt(4, 0x0a000000n, 8).toString() // '10.0.0.0/8'
   */
  static fromBigInt(version: 4 | 6, value: bigint, prefix: number, strict = true): IPNetwork {
    return new IPNetwork(addressFromBigInt(version, value), prefix, strict);
  }

  /**
   * The first address (Python's `network_address`).
   * @example parseNetwork('10.0.0.0/8').networkAddress.toString() // '10.0.0.0'
   */
  get networkAddress(): IPAddress {
    if (this.version === 4) return new IPv4Address(this.n0);
    return new IPv6Address(this.n0, this.n1, this.n2, this.n3, this.zone);
  }
  /**
   * The last address (Python's `broadcast_address`, also for IPv6).
   * @example parseNetwork('10.0.0.0/8').broadcastAddress.toString() // '10.255.255.255'
   */
  get broadcastAddress(): IPAddress {
    if (this.version === 4) return new IPv4Address((this.n0 | ~this.m0) >>> 0);
    return new IPv6Address(
      (this.n0 | ~this.m0) >>> 0,
      (this.n1 | ~this.m1) >>> 0,
      (this.n2 | ~this.m2) >>> 0,
      (this.n3 | ~this.m3) >>> 0,
    );
  }
  /**
   * The netmask as an address.
   * @example parseNetwork('10.0.0.0/24').netmask.toString() // '255.255.255.0'
   */
  get netmask(): IPAddress {
    if (this.version === 4) return new IPv4Address(this.m0);
    return new IPv6Address(this.m0, this.m1, this.m2, this.m3);
  }
  /**
   * The hostmask as an address.
   * @example parseNetwork('10.0.0.0/24').hostmask.toString() // '0.0.0.255'
   */
  get hostmask(): IPAddress {
    if (this.version === 4) return new IPv4Address(~this.m0 >>> 0);
    return new IPv6Address(~this.m0 >>> 0, ~this.m1 >>> 0, ~this.m2 >>> 0, ~this.m3 >>> 0);
  }
  /**
   * How many addresses the network spans, 2^(bits - prefix).
   * @example parseNetwork('10.0.0.0/24').numAddresses // 256n
   */
  get numAddresses(): bigint {
    return 1n << BigInt(this.bits - this.prefix);
  }
  /**
   * The first address as an integer.
   * @example parseNetwork('0.0.1.0/24').first // 256n
   */
  get first(): bigint {
    return this.networkAddress.toBigInt();
  }
  /**
   * The last address as an integer.
   * @example parseNetwork('0.0.1.0/24').last // 511n
   */
  get last(): bigint {
    return this.broadcastAddress.toBigInt();
  }

  /**
   * @returns `address/prefix` (Python's `with_prefixlen` and `str`)
   * @example String(parseNetwork('2001:DB8::/32')) // '2001:db8::/32'
   */
  toString(): string {
    return `${this.networkAddress}/${this.prefix}`;
  }
  /**
   * @returns `address/netmask` (Python's `with_netmask`)
   * @example parseNetwork('10.0.0.0/8').withNetmask() // '10.0.0.0/255.0.0.0'
   */
  withNetmask(): string {
    return `${this.networkAddress}/${this.netmask}`;
  }
  /**
   * @returns `address/hostmask` (Python's `with_hostmask`)
   * @example parseNetwork('10.0.0.0/8').withHostmask() // '10.0.0.0/0.255.255.255'
   */
  withHostmask(): string {
    return `${this.networkAddress}/${this.hostmask}`;
  }

  /**
   * Python's `address in network`: masks and compares, no allocation. Never throws.
   * @param address an address of either version
   * @returns whether it is in this network; false for the other IP version; zones are ignored, as Python
   * @example parseNetwork('10.0.0.0/8').contains(parseAddress('10.1.2.3')) // true
   */
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
  /**
   * @param other a network of either version
   * @returns whether the two networks share an address; false across versions
   * @example parseNetwork('10.0.0.0/8').overlaps(parseNetwork('10.1.0.0/16')) // true
   */
  overlaps(other: IPNetwork): boolean {
    return (
      this.contains(other.networkAddress) ||
      this.contains(other.broadcastAddress) ||
      other.contains(this.networkAddress) ||
      other.contains(this.broadcastAddress)
    );
  }
  /**
   * @param other a network of the same version
   * @returns whether this network lies inside `other` (a network is a subnet of itself)
   * @throws {AddressError} `ERR_VERSION_MISMATCH` across versions, as Python's `TypeError`
   * @example parseNetwork('10.1.0.0/16').subnetOf(parseNetwork('10.0.0.0/8')) // true
   */
  subnetOf(other: IPNetwork): boolean {
    sameVersion(this, other);
    return other.prefix <= this.prefix && other.contains(this.networkAddress);
  }
  /**
   * @param other a network of the same version
   * @returns whether `other` lies inside this network
   * @throws {AddressError} `ERR_VERSION_MISMATCH` across versions
   * @example parseNetwork('10.0.0.0/8').supernetOf(parseNetwork('10.1.0.0/16')) // true
   */
  supernetOf(other: IPNetwork): boolean {
    return other.subnetOf(this);
  }
  /**
   * @param other a network of either version
   * @returns whether both have the same version, address, prefix and zone, as Python's `==`
   * @example parseNetwork('10.0.0.0/8').equals(parseNetwork('10.0.0.0/255.0.0.0')) // true
   */
  equals(other: IPNetwork): boolean {
    return (
      this.version === other.version &&
      this.prefix === other.prefix &&
      this.zone === other.zone &&
      this.first === other.first
    );
  }
  /**
   * Orders by network address, then netmask (Python's `<`), for `Array.prototype.sort`.
   * @param other a network of the same version
   * @returns -1, 0 or 1
   * @throws {AddressError} `ERR_VERSION_MISMATCH` across versions
   * @example parseNetwork('10.0.0.0/8').compare(parseNetwork('10.0.0.0/16')) // -1
   */
  compare(other: IPNetwork): -1 | 0 | 1 {
    sameVersion(this, other);
    const d = this.networkAddress.compare(other.networkAddress);
    if (d !== 0) return d;
    return this.prefix < other.prefix ? -1 : this.prefix > other.prefix ? 1 : 0;
  }

  /**
   * @returns every address, network and broadcast included, lazily
   * @example [...parseNetwork('10.0.0.0/31')].map(String) // ['10.0.0.0', '10.0.0.1']
   */
  *[Symbol.iterator](): Generator<IPAddress> {
    const first = this.first;
    const last = this.last;
    for (let v = first; v <= last; v++) yield addressFromBigInt(this.version, v);
  }
  /**
   * The usable host addresses, lazily, with Python's rules: IPv4 drops the network and
   * broadcast addresses except in a /31 (RFC 3021) or /32; IPv6 drops only the
   * Subnet-Router anycast address (the first), except in a /127 (RFC 6164) or /128.
   * @returns a generator; take what you need, a /64 has 2^64 hosts
   * @example [...parseNetwork('10.0.0.0/30').hosts()].map(String) // ['10.0.0.1', '10.0.0.2']
   */
  *hosts(): Generator<IPAddress> {
    // A /32 or /128 is its one address, zone included (as Python).
    if (this.prefix === this.bits) return yield this.networkAddress;
    const [first, last] = this.hostRange();
    for (let v = first; v <= last; v++) yield addressFromBigInt(this.version, v);
  }
  /**
   * How many addresses {@link hosts} yields.
   * @example parseNetwork('10.0.0.0/24').numHosts // 254n
   */
  get numHosts(): bigint {
    const [first, last] = this.hostRange();
    return last - first + 1n;
  }
  /**
   * @returns the first and last host as integers (see {@link hosts})
   * @example parseNetwork('10.0.0.0/30').hostRange() // [167772161n, 167772162n]
   */
  hostRange(): [first: bigint, last: bigint] {
    const first = this.first;
    const last = this.last;
    if (this.bits - this.prefix <= 1) return [first, last];
    return this.version === 4 ? [first + 1n, last - 1n] : [first + 1n, last];
  }

  /**
   * @returns Python's `is_*` flags for the network: each holds when it holds for both ends
   * @example parseNetwork('127.0.0.0/8').classify().loopback // true
   */
  classify(): Classification {
    if (this.version === 4) return classifyRange4(this.n0, (this.n0 | ~this.m0) >>> 0);
    return classifyRange6(this.first, this.last);
  }

  /**
   * The subnets of prefix `newPrefix` (default one longer), lazily in address order.
   * A /32 or /128 yields itself, as Python.
   * @param newPrefix the subnets' prefix length, from this one's to 32 or 128
   * @returns a generator of the subnets
   * @example [...parseNetwork('10.0.0.0/23').subnets(24)].map(String) // ['10.0.0.0/24', '10.0.1.0/24']
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
   * @param newPrefix the supernet's prefix length, from 0 to this one's
   * @returns the supernet
   * @example parseNetwork('10.1.0.0/16').supernet(8).toString() // '10.0.0.0/8'
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

/**
 * Python's `ip_network(text, strict)`: parses a network of either version; the same as
 * {@link IPNetwork.parse}.
 * @param text `address/prefix`, `address/netmask`, `address/hostmask` or a bare address
 * @param options `strict: false` clears host bits instead of refusing them
 * @returns the network
 * @throws {AddressError} `ERR_INVALID_ADDRESS`, `ERR_INVALID_NETMASK`, `ERR_HOST_BITS_SET` (strict)
 * @example parseNetwork('192.168.0.186/24', { strict: false }).toString() // '192.168.0.0/24'
 */
export function parseNetwork(text: string, options: NetworkOptions = {}): IPNetwork {
  return IPNetwork.parse(text, options);
}
