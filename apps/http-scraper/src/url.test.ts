/** URL normalisation and scope rules. */
import { describe, expect, it } from 'vitest';
import { createScope, globToRegExp, hostKey, normalizeUrl } from './url.ts';

describe('normalizeUrl', () => {
  it('gives one spelling per resource', () => {
    const same = [
      'HTTP://Example.ORG:80/a/./b/../c?b=2&a=1#frag',
      'http://example.org/a/c?a=1&b=2',
      'http://example.org:80/a/c?a=1&b=2#',
    ];
    expect(new Set(same.map((u) => normalizeUrl(u)))).toEqual(
      new Set(['http://example.org/a/c?a=1&b=2']),
    );
    expect(normalizeUrl('http://example.org/x?')).toBe('http://example.org/x');
    expect(normalizeUrl('https://[::1]:443/')).toBe('https://[::1]/');
  });

  it('resolves relative links and refuses what is not http(s)', () => {
    expect(normalizeUrl('../b', 'http://h/a/x/y')).toBe('http://h/a/b');
    expect(normalizeUrl('//other/p', 'https://h/')).toBe('https://other/p');
    for (const bad of ['mailto:a@b', 'javascript:void(0)', 'ftp://h/', 'http://', '']) {
      expect(normalizeUrl(bad)).toBeNull();
    }
  });

  it('keys hosts with their port', () => {
    expect(hostKey('http://127.0.0.1:8080/x')).toBe('127.0.0.1:8080');
    expect(hostKey('http://[::1]:81')).toBe('[::1]:81');
  });
});

describe('scope', () => {
  const scope = createScope({
    seedHosts: ['shop.test'],
    allowDomains: ['cdn.test'],
    include: ['/page/**', 'http://img.cdn.test/**'],
    exclude: ['/page/*/print'],
  });

  it('keeps to the seed hosts and allowed domains', () => {
    expect(scope('http://shop.test/page/1')).toBe(true);
    expect(scope('http://a.cdn.test/page/1')).toBe(true);
    expect(scope('http://evil.test/page/1')).toBe(false);
    expect(scope('http://notcdn.test/page/1')).toBe(false);
  });

  it('applies include and exclude globs', () => {
    expect(scope('http://shop.test/about')).toBe(false);
    expect(scope('http://shop.test/page/1/print')).toBe(false);
    expect(scope('http://img.cdn.test/x.png')).toBe(true);
    expect(globToRegExp('/a/*.html').test('/a/b/c.html')).toBe(false);
    expect(globToRegExp('/a/**.html').test('/a/b/c.html')).toBe(true);
  });
});

describe('normalizeUrl fast path', () => {
  it('gives the same answer as the URL parser for any root-relative path', async () => {
    const fc = (await import('fast-check')).default;
    const base = 'http://127.0.0.1:8080/dir/page?x=1';
    const part = fc.constantFrom(
      'a',
      'B',
      '0',
      '-',
      '_',
      '~',
      '.',
      '..',
      '/',
      '//',
      '%41',
      '#',
      '?',
      ' ',
      'é',
      'x.html',
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const href = `/${parts.join('')}`;
        let expected: string | null = null;
        try {
          const slow = new URL(href, base);
          slow.hash = '';
          if (slow.search.length <= 1) slow.search = '';
          else slow.searchParams.sort();
          expected = slow.href;
        } catch {}
        expect(normalizeUrl(href, base)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
