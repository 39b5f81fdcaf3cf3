/** Tests for IPInterface: an address with its network, as `ip addr` shows it. */
import { describe, expect, it } from 'vitest';
import { AddressError } from './errors.ts';
import { IPInterface, parseInterface } from './ip-interface.ts';

describe('IPInterface', () => {
  it('keeps the host address and derives the network', () => {
    const i = parseInterface('192.168.0.186/255.255.255.0');
    expect([String(i), String(i.network), i.withNetmask(), i.withHostmask()]).toEqual([
      '192.168.0.186/24',
      '192.168.0.0/24',
      '192.168.0.186/255.255.255.0',
      '192.168.0.186/0.0.0.255',
    ]);
  });
  it('keeps the zone on the address, not on the network', () => {
    const i = parseInterface('fe80::1%eth0/64');
    expect([String(i), i.withPrefixLength(), String(i.network), String(i.ip)]).toEqual([
      'fe80::1%eth0/64',
      'fe80::1/64',
      'fe80::/64',
      'fe80::1',
    ]);
  });
  it('needs the network too for loopback (IPv6) and unspecified', () => {
    expect(parseInterface('::1/64').classify().loopback).toBe(false);
    expect(parseInterface('::1/128').classify().loopback).toBe(true);
    expect(parseInterface('127.0.0.1/8').classify().loopback).toBe(true);
    expect(parseInterface('0.0.0.0/32').classify().unspecified).toBe(true);
    expect(parseInterface('0.0.0.0/0').classify().unspecified).toBe(false);
  });
  it('orders by network, then address', () => {
    const [a, b, c] = ['10.0.0.9/24', '10.0.0.1/25', '10.0.0.2/24'].map((t) =>
      IPInterface.parse(t),
    );
    expect(a!.compare(c!)).toBe(1);
    expect(c!.compare(b!)).toBe(-1);
    expect(a!.equals(IPInterface.parse('10.0.0.9/255.255.255.0'))).toBe(true);
  });
  it('rejects bad input with codes', () => {
    for (const [text, code] of [
      ['10.0.0.1/33', 'ERR_INVALID_NETMASK'],
      ['10.0.0.1/8/8', 'ERR_INVALID_ADDRESS'],
      ['10.0.0.256/8', 'ERR_INVALID_ADDRESS'],
    ]) {
      expect(() => parseInterface(text!)).toThrow(AddressError);
      try {
        parseInterface(text!);
      } catch (err) {
        expect((err as AddressError).code).toBe(code);
      }
    }
  });
});
