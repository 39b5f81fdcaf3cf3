/** robots.txt rules, checked against robots-parser (a widely used implementation) as an oracle. */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { robotsFromResponse } from './robots.ts';

interface Oracle {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
const robotsParser = createRequire(import.meta.url)('robots-parser') as (
  url: string,
  text: string,
) => Oracle;

const ROBOTS_URL = 'http://h.test/robots.txt';
const UA = 'netlab-http-scraper/0.1 (+https://example.org/bot)';
const piece = fc.constantFrom(
  '/',
  'a',
  'b',
  'ab',
  '.',
  '*',
  '$',
  '%41',
  '%2f',
  'é',
  '?',
  '=',
  '-',
  'x/',
);
const text = fc.array(piece, { maxLength: 6 }).map((p) => p.join(''));
const line = fc.oneof(
  fc.constantFrom(
    'User-agent: *',
    'User-agent: netlab-http-scraper',
    'user-agent: OtherBot/2.0',
    'User-agent:',
  ),
  text.map((p) => `Disallow: /${p}`),
  text.map((p) => `Allow: /${p}`),
  text.map((p) => `disallow:${p}   # comment`),
  fc.constantFrom(
    'Disallow:',
    'Crawl-delay: 2',
    'Crawl-delay: 0.5',
    'Crawl-delay: soon',
    'Sitemap: http://h.test/s.xml',
  ),
  fc.constantFrom('', '# just a comment', 'Host: h.test', 'garbage line'),
);

describe('robots.txt', () => {
  it('agrees with robots-parser on any file, user agent and path', () => {
    let refused = 0;
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 12 }),
        fc.array(text, { minLength: 1, maxLength: 5 }),
        (lines, paths) => {
          const file = lines.join('\n');
          const oracle = robotsParser(ROBOTS_URL, file);
          const ours = robotsFromResponse(ROBOTS_URL, 200, file, UA);
          for (const p of paths) {
            const url = new URL(`http://h.test/${p}`).href; // the crawler asks with normalised URLs
            const allowed = ours.isAllowed(url);
            expect(allowed).toBe(oracle.isAllowed(url, UA) !== false);
            if (!allowed) refused++;
          }
          const delay = oracle.getCrawlDelay(UA);
          expect(ours.crawlDelayMs).toBe(
            delay === undefined || delay < 0 ? undefined : delay * 1000,
          );
          expect(ours.sitemaps).toEqual(oracle.getSitemaps());
        },
      ),
      { numRuns: 3000 },
    );
    expect(refused).toBeGreaterThan(100); // the files really do forbid things (~200 times a run)
  });

  it('picks the longest match, Allow on a tie, and our group over *', () => {
    const file = [
      'User-agent: *',
      'Disallow: /',
      '',
      'User-agent: netlab-http-scraper',
      'Disallow: /shop/',
      'Allow: /shop/public',
      'Disallow: /*.pdf$',
      'Allow: /same',
      'Disallow: /same',
      'Crawl-delay: 1.5',
    ].join('\n');
    const r = robotsFromResponse(ROBOTS_URL, 200, file, UA);
    expect(r.isAllowed('http://h.test/')).toBe(true);
    expect(r.isAllowed('http://h.test/shop/cart')).toBe(false);
    expect(r.isAllowed('http://h.test/shop/public/x')).toBe(true);
    expect(r.isAllowed('http://h.test/a/b.pdf')).toBe(false);
    expect(r.isAllowed('http://h.test/a/b.pdf?x=1')).toBe(true);
    expect(r.isAllowed('http://h.test/same')).toBe(true);
    expect(r.crawlDelayMs).toBe(1500);
    expect(
      robotsFromResponse(ROBOTS_URL, 200, file, 'SomeoneElse/1.0').isAllowed('http://h.test/x'),
    ).toBe(false);
  });

  it('treats 4xx as no rules and 5xx as complete disallow (RFC 9309 §2.3.1)', () => {
    expect(robotsFromResponse(ROBOTS_URL, 404, '', UA).isAllowed('http://h.test/x')).toBe(true);
    expect(robotsFromResponse(ROBOTS_URL, 503, '', UA).isAllowed('http://h.test/x')).toBe(false);
    expect(robotsFromResponse(ROBOTS_URL, 'unreachable', '', UA).isAllowed('http://h.test/')).toBe(
      false,
    );
  });
});
