/** Special-purpose ranges (IANA IPv4/IPv6 special registries) as Python 3.11's ipaddress sees them. */
import { ipv4Value } from './ipv4-text.ts';
import { ipv6Words } from './ipv6-text.ts';

/**
 * The classification flags of an address or network, named after Python's `is_*`.
 * @example parseNetwork('192.168.0.0/16').classify().global // false
 */
export interface Classification {
  private: boolean;
  global: boolean;
  loopback: boolean;
  linkLocal: boolean;
  multicast: boolean;
  reserved: boolean;
  unspecified: boolean;
  /** IPv6 only (fec0::/10, deprecated by RFC 3879); always false for IPv4. */
  siteLocal: boolean;
}

type Range4 = readonly [network: number, mask: number];
type Range6 = readonly [network: bigint, prefix: number];

function v4(cidr: string): Range4 {
  const [text, bits] = cidr.split('/') as [string, string];
  const prefix = Number(bits);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [ipv4Value(text), mask];
}

function v6(cidr: string): Range6 {
  const [text, bits] = cidr.split('/') as [string, string];
  const words = new Uint16Array(8);
  ipv6Words(text, words);
  let value = 0n;
  for (const word of words) value = (value << 16n) | BigInt(word);
  return [value, Number(bits)];
}

// Not globally reachable per the IANA IPv4 special-purpose registry (Python 3.11.2+).
const PRIVATE4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.0.170/31',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '240.0.0.0/4',
  '255.255.255.255/32',
].map(v4);
// Inside 192.0.0.0/24 but globally reachable: PCP and TURN anycast (RFC 7723, RFC 8155).
const PRIVATE4_EXCEPTIONS = ['192.0.0.9/32', '192.0.0.10/32'].map(v4);
// Shared address space (RFC 6598): neither private nor global.
const SHARED4 = v4('100.64.0.0/10');
const LOOPBACK4 = v4('127.0.0.0/8');
const LINK_LOCAL4 = v4('169.254.0.0/16');
const MULTICAST4 = v4('224.0.0.0/4');
const RESERVED4 = v4('240.0.0.0/4');

const PRIVATE6 = [
  '::1/128',
  '::/128',
  '::ffff:0:0/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16', // 6to4: IANA says N/A; treated as not global, as Python does
  'fc00::/7',
  'fe80::/10',
].map(v6);
const PRIVATE6_EXCEPTIONS = [
  '2001:1::1/128',
  '2001:1::2/128',
  '2001:3::/32',
  '2001:4:112::/48',
  '2001:20::/28',
  '2001:30::/28',
].map(v6);
const RESERVED6 = [
  '::/8',
  '100::/8',
  '200::/7',
  '400::/6',
  '800::/5',
  '1000::/4',
  '4000::/3',
  '6000::/3',
  '8000::/3',
  'a000::/3',
  'c000::/3',
  'e000::/4',
  'f000::/5',
  'f800::/6',
  'fe00::/9',
].map(v6);
const LINK_LOCAL6 = v6('fe80::/10');
const SITE_LOCAL6 = v6('fec0::/10');
const MULTICAST6 = v6('ff00::/8');

const in4 = (value: number, [network, mask]: Range4): boolean => (value & mask) >>> 0 === network;
const in6 = (value: bigint, [network, prefix]: Range6): boolean =>
  value >> BigInt(128 - prefix) === network >> BigInt(128 - prefix);

/** Whether an IPv4 address is private (not globally reachable) as Python 3.11 defines it. */
export function isPrivate4(value: number): boolean {
  return PRIVATE4.some((r) => in4(value, r)) && !PRIVATE4_EXCEPTIONS.some((r) => in4(value, r));
}

/** Whether an IPv6 address (without zone) is private; IPv4-mapped addresses follow their IPv4. */
export function isPrivate6(value: bigint): boolean {
  if (value >> 32n === 0xffffn) return isPrivate4(Number(value & 0xffffffffn));
  return PRIVATE6.some((r) => in6(value, r)) && !PRIVATE6_EXCEPTIONS.some((r) => in6(value, r));
}

/** Classifies an IPv4 address given as an unsigned 32-bit integer. */
export function classify4(value: number): Classification {
  const priv = isPrivate4(value);
  return {
    private: priv,
    global: !in4(value, SHARED4) && !priv,
    loopback: in4(value, LOOPBACK4),
    linkLocal: in4(value, LINK_LOCAL4),
    multicast: in4(value, MULTICAST4),
    reserved: in4(value, RESERVED4),
    unspecified: value === 0,
    siteLocal: false,
  };
}

/** Classifies an IPv6 address given as a 128-bit bigint. */
export function classify6(value: bigint): Classification {
  const priv = isPrivate6(value);
  return {
    private: priv,
    global: !priv,
    loopback: value === 1n,
    linkLocal: in6(value, LINK_LOCAL6),
    multicast: in6(value, MULTICAST6),
    reserved: RESERVED6.some((r) => in6(value, r)),
    unspecified: value === 0n,
    siteLocal: in6(value, SITE_LOCAL6),
  };
}

/**
 * Classifies a network from its first and last address, as Python does: a flag holds when
 * it holds for both ends, except `private` (both ends inside one private range and neither
 * in an exception range) and `global`.
 */
export function classifyRange4(first: number, last: number): Classification {
  const a = classify4(first);
  const b = classify4(last);
  const priv =
    PRIVATE4.some((r) => in4(first, r) && in4(last, r)) &&
    PRIVATE4_EXCEPTIONS.every((r) => !in4(first, r) && !in4(last, r));
  return {
    ...both(a, b),
    private: priv,
    global: !(in4(first, SHARED4) && in4(last, SHARED4)) && !priv,
  };
}

/** Classifies an IPv6 network from its first and last address; see {@link classifyRange4}. */
export function classifyRange6(first: bigint, last: bigint): Classification {
  const priv =
    PRIVATE6.some((r) => in6(first, r) && in6(last, r)) &&
    PRIVATE6_EXCEPTIONS.every((r) => !in6(first, r) && !in6(last, r));
  return { ...both(classify6(first), classify6(last)), private: priv, global: !priv };
}

function both(a: Classification, b: Classification): Classification {
  return {
    private: a.private && b.private,
    global: a.global && b.global,
    loopback: a.loopback && b.loopback,
    linkLocal: a.linkLocal && b.linkLocal,
    multicast: a.multicast && b.multicast,
    reserved: a.reserved && b.reserved,
    unspecified: a.unspecified && b.unspecified,
    siteLocal: a.siteLocal && b.siteLocal,
  };
}
