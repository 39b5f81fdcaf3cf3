/** from="..." pattern lists: OpenSSH's match rules on addresses, CIDRs, wildcards and negation. */
import { parseAddress } from '@netlab/addressing/address';
import { describe, expect, it } from 'vitest';
import { firstAllowedLine, globMatch, matchFrom } from './from-patterns.ts';
import { parseKeyOptions } from './key-options.ts';
import { peerAddress } from './source-policy.ts';

const ok = (list: string, ip: string) => matchFrom(list, parseAddress(ip)).ok;

describe('matchFrom', () => {
  it('matches addresses, CIDRs and wildcards, IPv4 and IPv6', () => {
    expect(ok('192.0.2.7', '192.0.2.7')).toBe(true);
    expect(ok('192.0.2.0/24', '192.0.2.7')).toBe(true);
    expect(ok('192.0.2.0/24', '192.0.3.7')).toBe(false);
    expect(ok('2001:db8::/32', '2001:db8::1')).toBe(true);
    expect(ok('2001:db8::/32', '192.0.2.1')).toBe(false);
    expect(ok('192.0.2.*', '192.0.2.200')).toBe(true);
    expect(ok('2001:DB8::*', '2001:db8::1')).toBe(true);
  });

  it('a negated match refuses even when another pattern matches; no match refuses', () => {
    expect(ok('10.0.0.0/8,!10.1.2.3', '10.1.2.3')).toBe(false);
    expect(ok('!10.1.2.3,10.0.0.0/8', '10.1.2.3')).toBe(false);
    expect(ok('10.0.0.0/8,!10.1.2.3', '10.1.2.4')).toBe(true);
    expect(ok('!10.1.2.3', '10.9.9.9')).toBe(false);
  });

  it('names match the address text only (no reverse DNS)', () => {
    expect(ok('localhost', '127.0.0.1')).toBe(false);
    expect(ok('*', '127.0.0.1')).toBe(true);
  });

  it('refuses the key for a malformed list', () => {
    expect(matchFrom('10.0.0.1/8', parseAddress('10.0.0.1'))).toMatchObject({ ok: false });
    expect(ok('10.0.0.0/33', '10.0.0.1')).toBe(false);
    expect(ok('10.0.0.1,', '10.0.0.1')).toBe(false);
    expect(ok('10.0.0.1,!', '10.0.0.1')).toBe(false);
  });

  it('IPv4-mapped peers are matched as IPv4', () => {
    const mapped = peerAddress('::ffff:192.0.2.7');
    expect(mapped && matchFrom('192.0.2.0/24', mapped).ok).toBe(true);
  });
});

describe('globMatch', () => {
  it('is OpenSSH match_pattern: * any run, ? one character', () => {
    expect(globMatch('a*b?d', 'axxxbcd')).toBe(true);
    expect(globMatch('a*b?d', 'abd')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    // Linear, not exponential, on a hostile pattern.
    expect(globMatch('*a'.repeat(50), 'a'.repeat(10_000))).toBe(true);
    expect(globMatch(`${'*a'.repeat(50)}b`, 'a'.repeat(10_000))).toBe(false);
  });
});

describe('from= in key options', () => {
  it('is parsed, quoted, once', () => {
    expect(parseKeyOptions(['from="10.0.0.0/8,!10.1.2.3"'])).toMatchObject({
      from: '10.0.0.0/8,!10.1.2.3',
    });
    expect(parseKeyOptions(['from=10.0.0.1'])).toBe('from= needs a quoted pattern list');
    expect(parseKeyOptions(['from="a"', 'from="b"'])).toBe('more than one from= option');
  });

  it('a line that refuses the client is passed over for a later line with the same key', () => {
    const lines = [
      { from: '10.0.0.0/8', line: 1 },
      { from: undefined, line: 2 },
    ];
    expect(firstAllowedLine(lines, parseAddress('192.0.2.1'))).toEqual({ entry: lines[1] });
    expect(firstAllowedLine(lines.slice(0, 1), parseAddress('192.0.2.1'))).toMatchObject({
      refusal: expect.stringContaining('line 1'),
    });
  });
});
