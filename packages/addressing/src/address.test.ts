/** Tests for IPv4Address/IPv6Address: text forms, integers, bytes, arithmetic, errors, Node agreement. */
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { addressFromBytes, IPv4Address, IPv6Address, parseAddress } from './address.ts';
import { AddressError } from './errors.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AddressError);
    return (err as AddressError).code;
  }
  return undefined;
}

describe('IPv4Address', () => {
  it('round-trips text, integer, bigint and bytes', () => {
    const a = IPv4Address.parse('192.0.2.1');
    expect(a.toNumber()).toBe(0xc0000201);
    expect(a.toBigInt()).toBe(0xc0000201n);
    expect([...a.toBytes()]).toEqual([192, 0, 2, 1]);
    expect(IPv4Address.fromBytes(a.toBytes()).equals(a)).toBe(true);
    expect(IPv4Address.fromBigInt(0xffffffffn).toString()).toBe('255.255.255.255');
    expect(a.reversePointer()).toBe('1.2.0.192.in-addr.arpa');
    expect(IPv6Address.mapIPv4(a).toString()).toBe('::ffff:192.0.2.1');
    expect(IPv6Address.mapIPv4(a).ipv4Mapped?.equals(a)).toBe(true);
  });
  it('does arithmetic within the address space', () => {
    const a = IPv4Address.parse('10.0.0.255');
    expect(a.add(1).toString()).toBe('10.0.1.0');
    expect(a.add(-256n).toString()).toBe('9.255.255.255');
    expect(codeOf(() => IPv4Address.parse('255.255.255.255').add(1))).toBe(
      'ERR_ADDRESS_OUT_OF_RANGE',
    );
    expect(codeOf(() => IPv4Address.parse('0.0.0.0').add(-1))).toBe('ERR_ADDRESS_OUT_OF_RANGE');
    expect(codeOf(() => IPv4Address.fromBigInt(1n << 32n))).toBe('ERR_ADDRESS_OUT_OF_RANGE');
  });
  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.256',
    '1..2.3',
    ' 1.2.3.4',
    '1.2.3.4/8',
    '0x1.2.3.4',
  ])('rejects %j naming the input', (text) => {
    expect(codeOf(() => IPv4Address.parse(text))).toBe('ERR_INVALID_ADDRESS');
    expect(() => IPv4Address.parse(text)).toThrow(JSON.stringify(text));
  });
  it('says what is wrong', () => {
    expect(() => IPv4Address.parse('1.2.3.256')).toThrow(/octet 256 \(> 255\)/);
    expect(() => IPv4Address.parse('1.02.3.4')).toThrow(/leading zeros/);
    expect(() => IPv4Address.parse('1.2.3')).toThrow(/expected 4 octets, found 3/);
  });
  it('compares and refuses to compare across versions', () => {
    const [a, b] = [IPv4Address.parse('10.0.0.1'), IPv4Address.parse('10.0.0.2')];
    expect(a.compare(b)).toBe(-1);
    expect(b.compare(a)).toBe(1);
    expect(a.compare(IPv4Address.parse('10.0.0.1'))).toBe(0);
    expect(codeOf(() => a.compare(IPv6Address.parse('::1')))).toBe('ERR_VERSION_MISMATCH');
    expect(a.equals(IPv6Address.parse('::ffff:10.0.0.1'))).toBe(false);
  });
});

describe('IPv6Address', () => {
  it.each([
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs (RFC 5952 §4.2.3)
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // one zero group is not compressed (§4.2.2)
    ['0:0:0:0:0:0:0:0', '::'],
    ['1::', '1::'],
    ['::1.2.3.4', '::102:304'],
    ['::FFFF:1.2.3.4', '::ffff:1.2.3.4'], // IPv4-mapped keeps dotted form (§5)
    ['fe80::1%eth0', 'fe80::1%eth0'],
  ])('formats %s as %s', (input, canonical) => {
    expect(IPv6Address.parse(input).toString()).toBe(canonical);
  });
  it('round-trips integer, bytes and exploded text', () => {
    const a = IPv6Address.parse('2001:db8::ff00:42:8329');
    expect(a.toBigInt()).toBe(0x20010db8000000000000ff0000428329n);
    expect(IPv6Address.fromBigInt(a.toBigInt()).equals(a)).toBe(true);
    expect(Buffer.from(a.toBytes()).toString('hex')).toBe('20010db8000000000000ff0000428329');
    expect(addressFromBytes(a.toBytes()).equals(a)).toBe(true);
    expect(a.toExploded()).toBe('2001:0db8:0000:0000:0000:ff00:0042:8329');
    expect(a.reversePointer()).toBe(
      '9.2.3.8.2.4.0.0.0.0.f.f.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
  });
  it('finds embedded IPv4 addresses', () => {
    expect(IPv6Address.parse('::ffff:192.0.2.128').ipv4Mapped?.toString()).toBe('192.0.2.128');
    expect(IPv6Address.parse('2002:c000:0204::1').sixToFour?.toString()).toBe('192.0.2.4');
    const teredo = IPv6Address.parse('2001:0:4136:e378:8000:63bf:3fff:fdd2').teredo;
    expect(teredo?.map(String)).toEqual(['65.54.227.120', '192.0.2.45']);
    expect(IPv6Address.parse('::1').ipv4Mapped).toBeNull();
  });
  it('keeps zones in equality but not in ordering', () => {
    const [a, b] = [IPv6Address.parse('fe80::1%eth0'), IPv6Address.parse('fe80::1%eth1')];
    expect(a.equals(b)).toBe(false);
    expect(a.compare(b)).toBe(0);
    expect(a.withoutZone().equals(b.withoutZone())).toBe(true);
    expect([...a.toBytes()]).toEqual([...b.toBytes()]);
  });
  it('does 128-bit arithmetic', () => {
    expect(IPv6Address.parse('::ffff:ffff:ffff:ffff').add(1).toString()).toBe('0:0:0:1::');
    expect(codeOf(() => IPv6Address.parse('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff').add(1))).toBe(
      'ERR_ADDRESS_OUT_OF_RANGE',
    );
    expect(codeOf(() => IPv6Address.parse('::').add(2 ** 60))).toBe('ERR_INVALID_ARGUMENT');
  });
  it.each([
    '',
    ':',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '12345::',
    '::g',
    'fe80::1%',
    '1:2',
    '::1.2.3',
  ])('rejects %j', (text) => {
    expect(codeOf(() => IPv6Address.parse(text))).toBe('ERR_INVALID_ADDRESS');
  });
  it('says what is wrong', () => {
    expect(() => IPv6Address.parse('1::2::3')).toThrow(/at most one '::'/);
    expect(() => IPv6Address.parse('12345::')).toThrow(/at most 4 characters/);
  });
});

describe('parseAddress', () => {
  it('picks the version by the colon', () => {
    expect(parseAddress('10.1.2.3').version).toBe(4);
    expect(parseAddress('::').version).toBe(6);
  });
  it('accepts what node:net accepts, save leading zeros and zones Node allows', () => {
    // net.isIP is the libuv/inet_pton view; ours is Python's. They agree on these.
    for (const text of [
      '1.2.3.4',
      '::',
      '::ffff:1.2.3.4',
      'a:b:c:d:e:f:0:1',
      '1.2.3',
      '::1::',
      'x',
    ]) {
      const ours = (() => {
        try {
          return parseAddress(text).version;
        } catch {
          return 0;
        }
      })();
      expect(ours).toBe(isIP(text));
    }
  });
});
