/** Tests for IPNetwork and the range functions, with the examples from the books and the RFCs. */
import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseAddress } from './address.ts';
import { AddressError } from './errors.ts';
import { prefixOfMask32 } from './masks.ts';
import { IPNetwork, parseNetwork } from './network.ts';
import { addressExclude, collapse, summarizeRange } from './ranges.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AddressError);
    return (err as AddressError).code;
  }
  return undefined;
}
const strs = (items: Iterable<unknown>) => [...items].map(String);

describe('IPNetwork', () => {
  it('describes 192.168.0.186/24 like ipcalc', () => {
    const n = parseNetwork('192.168.0.186/24', { strict: false });
    expect(n.toString()).toBe('192.168.0.0/24');
    expect(String(n.netmask)).toBe('255.255.255.0');
    expect(String(n.hostmask)).toBe('0.0.0.255');
    expect(String(n.broadcastAddress)).toBe('192.168.0.255');
    expect(n.numAddresses).toBe(256n);
    expect(n.numHosts).toBe(254n);
    expect(n.withNetmask()).toBe('192.168.0.0/255.255.255.0');
    expect(n.classify().private).toBe(true);
  });
  it('is strict by default', () => {
    expect(codeOf(() => parseNetwork('192.168.0.186/24'))).toBe('ERR_HOST_BITS_SET');
    expect(codeOf(() => parseNetwork('2001:db8::1/64'))).toBe('ERR_HOST_BITS_SET');
  });
  it('reads netmasks and hostmasks (IPv4), and refuses other masks', () => {
    expect(parseNetwork('10.0.0.0/255.255.255.240').prefix).toBe(28);
    expect(parseNetwork('10.0.0.0/0.0.0.15').prefix).toBe(28);
    expect(codeOf(() => parseNetwork('10.0.0.0/255.0.255.0'))).toBe('ERR_INVALID_NETMASK');
    expect(codeOf(() => parseNetwork('10.0.0.0/33'))).toBe('ERR_INVALID_NETMASK');
    expect(codeOf(() => parseNetwork('::/ffff::'))).toBe('ERR_INVALID_NETMASK');
    expect(codeOf(() => parseNetwork('10.0.0.0/8/8'))).toBe('ERR_INVALID_ADDRESS');
    expect(prefixOfMask32(0xfffffff0)).toBe(28);
    expect(prefixOfMask32(0xff00ff00)).toBe(-1);
  });
  it('lists hosts lazily with the /31, /32, /127 and /128 rules', () => {
    expect(strs(parseNetwork('10.0.0.0/30').hosts())).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(strs(parseNetwork('10.0.0.0/31').hosts())).toEqual(['10.0.0.0', '10.0.0.1']);
    expect(strs(parseNetwork('10.0.0.7/32').hosts())).toEqual(['10.0.0.7']);
    expect(strs(parseNetwork('2001:db8::/126').hosts())).toEqual([
      '2001:db8::1',
      '2001:db8::2',
      '2001:db8::3',
    ]);
    expect(strs(parseNetwork('2001:db8::/127').hosts())).toEqual(['2001:db8::', '2001:db8::1']);
    const huge = parseNetwork('::/0').hosts();
    expect(String(huge.next().value)).toBe('::1'); // lazy: 2^128 addresses, first one at once
  });
  it('answers contains, overlaps, subnetOf, supernetOf', () => {
    const n = parseNetwork('10.0.0.0/22');
    expect(n.contains(parseAddress('10.0.3.255'))).toBe(true);
    expect(n.contains(parseAddress('10.0.4.0'))).toBe(false);
    expect(n.contains(parseAddress('::ffff:10.0.0.1'))).toBe(false);
    expect(n.overlaps(parseNetwork('10.0.2.0/24'))).toBe(true);
    expect(n.overlaps(parseNetwork('10.0.4.0/24'))).toBe(false);
    expect(parseNetwork('10.0.2.0/24').subnetOf(n)).toBe(true);
    expect(n.supernetOf(parseNetwork('10.0.2.0/24'))).toBe(true);
    expect(codeOf(() => n.subnetOf(parseNetwork('::/0')))).toBe('ERR_VERSION_MISMATCH');
  });
  it('splits and joins', () => {
    expect(strs(parseNetwork('10.0.0.0/22').subnets(24))).toEqual([
      '10.0.0.0/24',
      '10.0.1.0/24',
      '10.0.2.0/24',
      '10.0.3.0/24',
    ]);
    expect(String(parseNetwork('10.0.1.0/24').supernet(22))).toBe('10.0.0.0/22');
    expect(codeOf(() => parseNetwork('10.0.0.0/22').subnets(21))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => parseNetwork('10.0.0.0/22').supernet(23))).toBe('ERR_INVALID_ARGUMENT');
  });
  it('keeps the zone of a scoped network', () => {
    const n = parseNetwork('fe80::%eth0/64');
    expect(n.toString()).toBe('fe80::%eth0/64');
    expect(n.contains(parseAddress('fe80::1%eth1'))).toBe(true);
  });
  it('agrees with node:net BlockList on membership', () => {
    const list = new BlockList();
    list.addSubnet('10.0.0.0', 22, 'ipv4');
    list.addSubnet('2001:db8::', 33, 'ipv6');
    const nets = [parseNetwork('10.0.0.0/22'), parseNetwork('2001:db8::/33')];
    for (const text of [
      '10.0.0.0',
      '10.0.3.255',
      '10.0.4.0',
      '2001:db8::1',
      '2001:db8:8000::',
      '::1',
    ]) {
      const a = parseAddress(text);
      const type = a.version === 4 ? 'ipv4' : 'ipv6';
      expect(nets.some((n) => n.contains(a))).toBe(list.check(text, type));
    }
  });
  it('rejects bad prefixes in the constructor', () => {
    expect(codeOf(() => new IPNetwork(parseAddress('1.2.3.4'), 33))).toBe('ERR_INVALID_NETMASK');
  });
});

describe('ranges', () => {
  it('excludes a subnet in Python order', () => {
    expect(
      strs(addressExclude(parseNetwork('192.0.2.0/28'), parseNetwork('192.0.2.1/32'))),
    ).toEqual(['192.0.2.8/29', '192.0.2.4/30', '192.0.2.2/31', '192.0.2.0/32']);
    expect(
      codeOf(() => [...addressExclude(parseNetwork('10.0.0.0/8'), parseNetwork('11.0.0.0/8'))]),
    ).toBe('ERR_INVALID_ARGUMENT');
  });
  it('collapses and summarizes', () => {
    const items = ['192.0.2.0/25', '192.0.2.128/25', '192.0.3.0', '192.0.3.1'].map((t) =>
      t.includes('/') ? parseNetwork(t) : parseAddress(t),
    );
    expect(strs(collapse(items))).toEqual(['192.0.2.0/24', '192.0.3.0/31']);
    expect(collapse([])).toEqual([]);
    expect(codeOf(() => collapse([parseAddress('1.2.3.4'), parseAddress('::1')]))).toBe(
      'ERR_VERSION_MISMATCH',
    );
    expect(strs(summarizeRange(parseAddress('192.0.2.0'), parseAddress('192.0.2.130')))).toEqual([
      '192.0.2.0/25',
      '192.0.2.128/31',
      '192.0.2.130/32',
    ]);
    expect(
      strs(
        summarizeRange(parseAddress('::'), parseAddress('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')),
      ),
    ).toEqual(['::/0']);
    expect(codeOf(() => summarizeRange(parseAddress('10.0.0.2'), parseAddress('10.0.0.1')))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
  });
});
