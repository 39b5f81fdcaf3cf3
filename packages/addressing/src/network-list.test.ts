/** Tests for NetworkList: parsing what a user lists, and matching both spellings of an IPv4 host. */
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddress } from './address.ts';
import { AddressError } from './errors.ts';
import { parseNetwork } from './network.ts';
import { NetworkList, parseNetworkList } from './network-list.ts';

function errorOf(fn: () => unknown): AddressError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AddressError);
    return err as AddressError;
  }
  throw new Error('did not throw');
}

describe('parseNetworkList', () => {
  it('reads addresses as /32 and /128, CIDRs and IPv4 netmasks, in order', () => {
    const list = parseNetworkList(['127.0.0.2', '::1', '10.0.0.0/255.0.0.0', 'fd00::/8']);
    expect(list.networks.map(String)).toEqual([
      '127.0.0.2/32',
      '::1/128',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    expect(list.size).toBe(4);
    expect(String(list)).toBe('127.0.0.2/32, ::1/128, 10.0.0.0/8, fd00::/8');
  });

  it('refuses host bits unless strict is false', () => {
    expect(errorOf(() => parseNetworkList(['10.0.0.1/8'])).code).toBe('ERR_HOST_BITS_SET');
    expect(parseNetworkList(['10.0.0.1/8'], { strict: false }).networks.map(String)).toEqual([
      '10.0.0.0/8',
    ]);
  });

  it('names the first bad value, exactly as given, with the parser code', () => {
    const cases: [string, string][] = [
      ['10.0.0.1/8', 'ERR_HOST_BITS_SET'],
      ['bogus', 'ERR_INVALID_ADDRESS'],
      ['host.test', 'ERR_INVALID_ADDRESS'],
      ['::1/129', 'ERR_INVALID_NETMASK'],
      ['1.2.3.4/', 'ERR_INVALID_NETMASK'],
      ['', 'ERR_INVALID_ADDRESS'],
      ['10.0.0.0/8 ', 'ERR_INVALID_NETMASK'],
      ['10.0.0.0/8/8', 'ERR_INVALID_ADDRESS'],
    ];
    for (const [bad, code] of cases) {
      const error = errorOf(() => parseNetworkList(['127.0.0.1', bad, 'also bad']));
      expect(error.code, bad).toBe(code);
      expect(error.input, bad).toBe(bad);
    }
  });

  it('an empty list matches nothing', () => {
    const list = parseNetworkList([]);
    expect(list.size).toBe(0);
    expect(list.includes('127.0.0.1')).toBe(false);
  });
});

describe('NetworkList.includes', () => {
  it('matches an IPv4 rule for the IPv4-mapped spelling and the other way round', () => {
    const v4 = parseNetworkList(['127.0.0.0/24']);
    expect(v4.includes('127.0.0.7')).toBe(true);
    expect(v4.includes('::ffff:127.0.0.7')).toBe(true);
    expect(v4.includes('::ffff:127.0.1.7')).toBe(false);
    expect(v4.includes('::127.0.0.7')).toBe(false); // IPv4-compatible is not mapped
    const mapped = parseNetworkList(['::ffff:127.0.0.0/120']);
    expect(mapped.includes('127.0.0.9')).toBe(true);
    expect(mapped.includes(parseAddress('127.0.1.9'))).toBe(false);
  });

  it('matches IPv6 networks, ignores zones, and places no non-address anywhere', () => {
    const list = parseNetworkList(['fd00::/8', 'fe80::/64']);
    expect(list.includes('fd12::1')).toBe(true);
    expect(list.includes('fe80::1%eth0')).toBe(true);
    expect(list.includes('2001:db8::1')).toBe(false);
    expect(list.includes('not an address')).toBe(false);
    expect(list.includes('')).toBe(false);
    expect(new NetworkList([parseNetwork('::/0')]).includes('10.0.0.1')).toBe(true); // as ::ffff:10.0.0.1
  });

  it("agrees with node:net's BlockList on either spelling of any IPv4 address", () => {
    // BlockList is the oracle for plain IPv4; the mapped spelling must get the same verdict.
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.ipV4(),
        fc.integer({ min: 0, max: 32 }),
        (address, base, prefix) => {
          const net = parseNetwork(`${base}/${prefix}`, { strict: false });
          const oracle = new BlockList();
          oracle.addSubnet(String(net.networkAddress), prefix, 'ipv4');
          const list = new NetworkList([net]);
          expect(list.includes(address)).toBe(oracle.check(address, 'ipv4'));
          expect(list.includes(`::ffff:${address}`)).toBe(oracle.check(address, 'ipv4'));
        },
      ),
    );
  });
});
