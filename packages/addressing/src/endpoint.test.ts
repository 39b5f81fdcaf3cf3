/** Tests for the endpoint parser: every accepted shape, every rejection code, round trips. */
import { describe, expect, it } from 'vitest';
import { type Endpoint, formatEndpoint, parseEndpoint, parseHost, parsePort } from './endpoint.ts';
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

describe('parsePort', () => {
  it('accepts 0..65535', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('80')).toBe(80);
    expect(parsePort('65535')).toBe(65535);
    expect(parsePort('00080')).toBe(80);
    expect(parsePort(4040)).toBe(4040);
  });
  it.each(['', '65536', '99999', '-1', '+80', '8o', ' 80', '80 ', '1e3', '0x50', '123456', '8.0'])(
    'rejects %j with ERR_INVALID_PORT',
    (text) => {
      expect(codeOf(() => parsePort(text))).toBe('ERR_INVALID_PORT');
    },
  );
  it('rejects non-integer numbers', () => {
    for (const n of [-1, 65536, 1.5, Number.NaN]) {
      expect(codeOf(() => parsePort(n))).toBe('ERR_INVALID_PORT');
    }
  });
  it('names the input in the message', () => {
    expect(() => parsePort('70000')).toThrow(/70000/);
  });
});

describe('parseEndpoint accepts', () => {
  const cases: [string, Endpoint][] = [
    ['1.2.3.4:80', { host: '1.2.3.4', port: 80, family: 'ipv4' }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0, family: 'ipv4' }],
    ['[::1]:80', { host: '::1', port: 80, family: 'ipv6' }],
    ['[fe80::1%eth0]:80', { host: 'fe80::1', port: 80, family: 'ipv6', zone: 'eth0' }],
    ['[FE80:0:0:0:0:0:0:1%2]:22', { host: 'fe80::1', port: 22, family: 'ipv6', zone: '2' }],
    ['[::ffff:192.0.2.1]:443', { host: '::ffff:192.0.2.1', port: 443, family: 'ipv6' }],
    ['[2001:db8::0:1]:65535', { host: '2001:db8::1', port: 65535, family: 'ipv6' }],
    ['example.test:80', { host: 'example.test', port: 80, family: 'hostname' }],
    ['Mail.Example.TEST.:25', { host: 'Mail.Example.TEST.', port: 25, family: 'hostname' }],
    ['a-b.c1:1', { host: 'a-b.c1', port: 1, family: 'hostname' }],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseEndpoint(text)).toEqual(expected);
  });

  it('uses the default port for a bare host or bare IPv6 literal', () => {
    const defaults = { defaultPort: 4040 };
    expect(parseEndpoint('example.test', defaults)).toEqual({
      host: 'example.test',
      port: 4040,
      family: 'hostname',
    });
    expect(parseEndpoint('10.0.0.1', defaults)).toEqual({
      host: '10.0.0.1',
      port: 4040,
      family: 'ipv4',
    });
    expect(parseEndpoint('::1', defaults)).toEqual({ host: '::1', port: 4040, family: 'ipv6' });
    expect(parseEndpoint('[::1]', defaults)).toEqual({ host: '::1', port: 4040, family: 'ipv6' });
    expect(parseEndpoint('fe80::1%eth0', defaults)).toEqual({
      host: 'fe80::1',
      port: 4040,
      family: 'ipv6',
      zone: 'eth0',
    });
  });

  it('reads a bare IPv6 literal whole: ::1:80 is an address, not a port', () => {
    expect(parseEndpoint('::1:80', { defaultPort: 7 })).toEqual({
      host: '::1:80',
      port: 7,
      family: 'ipv6',
    });
  });

  it('uses the default host for :80 and for a bare port 80', () => {
    const defaults = { defaultHost: '127.0.0.1' };
    const expected = { host: '127.0.0.1', port: 80, family: 'ipv4' };
    expect(parseEndpoint(':80', defaults)).toEqual(expected);
    expect(parseEndpoint('80', defaults)).toEqual(expected);
    expect(parseEndpoint('80', { defaultHost: '::1' })).toEqual({
      host: '::1',
      port: 80,
      family: 'ipv6',
    });
  });

  it('prefers the text over the defaults', () => {
    const defaults = { defaultHost: '127.0.0.1', defaultPort: 1 };
    expect(parseEndpoint('[::1]:2', defaults)).toEqual({ host: '::1', port: 2, family: 'ipv6' });
  });
});

describe('parseEndpoint rejects', () => {
  const cases: [string, string][] = [
    ['', 'ERR_INVALID_ENDPOINT'],
    [' 1.2.3.4:80', 'ERR_INVALID_ENDPOINT'],
    ['1.2.3.4:80\n', 'ERR_INVALID_ENDPOINT'],
    ['[::1', 'ERR_INVALID_ENDPOINT'],
    ['[::1]80', 'ERR_INVALID_ENDPOINT'],
    ['[::1]x:80', 'ERR_INVALID_ENDPOINT'],
    ['1.2.3.4', 'ERR_INVALID_ENDPOINT'],
    ['example.test', 'ERR_INVALID_ENDPOINT'],
    [':80', 'ERR_INVALID_ENDPOINT'],
    ['80', 'ERR_INVALID_ENDPOINT'],
    ['[::1]', 'ERR_INVALID_ENDPOINT'],
    ['1.2.3.4:', 'ERR_INVALID_PORT'],
    ['1.2.3.4:65536', 'ERR_INVALID_PORT'],
    ['1.2.3.4:-1', 'ERR_INVALID_PORT'],
    ['1.2.3.4:http', 'ERR_INVALID_PORT'],
    ['[::1]:', 'ERR_INVALID_PORT'],
    ['[::1]:99999', 'ERR_INVALID_PORT'],
    [':', 'ERR_INVALID_ENDPOINT'],
    ['1.2.3.256:80', 'ERR_INVALID_ADDRESS'],
    ['1.2.3:80', 'ERR_INVALID_ADDRESS'],
    ['01.2.3.4:80', 'ERR_INVALID_ADDRESS'],
    ['1.2.3.4.5:80', 'ERR_INVALID_ADDRESS'],
    ['[1.2.3.4]:80', 'ERR_INVALID_ADDRESS'],
    ['[::g]:80', 'ERR_INVALID_ADDRESS'],
    ['[1::2::3]:80', 'ERR_INVALID_ADDRESS'],
    ['[fe80::1%]:80', 'ERR_INVALID_ADDRESS'],
    ['[fe80::1%a%b]:80', 'ERR_INVALID_ADDRESS'],
    ['1.2.3.4%eth0:80', 'ERR_INVALID_ADDRESS'],
    ['::1::80', 'ERR_INVALID_ADDRESS'],
    ['1:2:3:4:5:6:7:8:80', 'ERR_INVALID_ADDRESS'],
    ['-bad.test:80', 'ERR_INVALID_ADDRESS'],
    ['bad-.test:80', 'ERR_INVALID_ADDRESS'],
    ['under_score.test:80', 'ERR_INVALID_ADDRESS'],
    ['a..b:80', 'ERR_INVALID_ADDRESS'],
    [`${'a'.repeat(64)}.test:80`, 'ERR_INVALID_ADDRESS'],
    [`${'abcdefghi.'.repeat(26)}test:80`, 'ERR_INVALID_ADDRESS'],
    ['*:80', 'ERR_INVALID_ADDRESS'],
    ['h\u00e9.test:80', 'ERR_INVALID_ADDRESS'],
    ['a:b:c', 'ERR_INVALID_ADDRESS'],
  ];
  it.each(cases)('%j with %s', (text, code) => {
    expect(codeOf(() => parseEndpoint(text))).toBe(code);
  });

  it('checks the defaults too', () => {
    expect(codeOf(() => parseEndpoint('80', { defaultHost: 'not a host' }))).toBe(
      'ERR_INVALID_ADDRESS',
    );
    expect(codeOf(() => parseEndpoint('::1', { defaultPort: 70000 }))).toBe('ERR_INVALID_PORT');
  });

  it('names the input and the problem', () => {
    expect(() => parseEndpoint('1.2.3.256:80')).toThrow(/1\.2\.3\.256.*256 \(> 255\)/);
    expect(() => parseEndpoint('example.test')).toThrow(/"example\.test".*no port/);
    expect(() => parseEndpoint('2001:db8::1:80')).not.toThrow(/brackets/);
    expect(() => parseEndpoint('1:2:3:4:5:6:7:8:80')).toThrow(/\[1:2:3:4:5:6:7:8\]:80/);
    const err = (() => {
      try {
        parseEndpoint('1.2.3.4:70000');
      } catch (e) {
        return e as AddressError;
      }
    })();
    expect(err?.input).toBe('1.2.3.4:70000');
    expect(err?.cause).toBeInstanceOf(AddressError);
  });

  it('keeps messages one short line for huge garbage', () => {
    try {
      parseEndpoint(`[${'x'.repeat(100_000)}]:1`);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message.length).toBeLessThan(300);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('refuses non-strings', () => {
    expect(codeOf(() => parseEndpoint(80 as unknown as string))).toBe('ERR_INVALID_ENDPOINT');
  });
});

describe('parseHost', () => {
  it('accepts bracketed and bare IPv6, canonicalising it', () => {
    expect(parseHost('[2001:DB8:0:0:1:0:0:1]')).toEqual({
      host: '2001:db8::1:0:0:1',
      family: 'ipv6',
    });
    expect(parseHost('::FFFF:1.2.3.4')).toEqual({ host: '::ffff:1.2.3.4', family: 'ipv6' });
  });
});

describe('formatEndpoint', () => {
  it.each([
    [{ host: '127.0.0.1', port: 4040, family: 'ipv4' }, '127.0.0.1:4040'],
    [{ host: '::1', port: 4040, family: 'ipv6' }, '[::1]:4040'],
    [{ host: 'fe80::1', port: 22, family: 'ipv6', zone: 'eth0' }, '[fe80::1%eth0]:22'],
    [{ host: 'example.test', port: 80, family: 'hostname' }, 'example.test:80'],
  ] as [Endpoint, string][])('%j -> %s', (endpoint, text) => {
    expect(formatEndpoint(endpoint)).toBe(text);
    expect(parseEndpoint(text)).toEqual(endpoint);
  });
});
