/** The cache: a repeat crawl revalidates (304s, same rows), --offline replays with no server. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crawl } from './crawler.ts';
import { parseFieldSpec } from './field.ts';
import { createFixtureServer } from './fixture/server.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'http-scraper-cache-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const read = (out: string): string[] =>
  fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).sort();

describe('the on-disk cache', { timeout: 60_000 }, () => {
  it('turns a repeat crawl into conditional requests answered 304, and replays offline', async () => {
    const fixture = createFixtureServer({ pages: 30 });
    const origin = await fixture.listen();
    const cacheDir = path.join(root, 'cache');
    const base = {
      seeds: [`${origin}/`],
      cacheDir,
      select: ['title=h1', 'price=.price'].map(parseFieldSpec),
      retryBaseMs: 10,
    };
    try {
      const first = await crawl({ ...base, out: path.join(root, 'one') });
      const firstLog = fixture.log.length;
      expect(first.notModified).toBe(0);

      const second = await crawl({ ...base, out: path.join(root, 'two') });
      const repeat = fixture.log.slice(firstLog);
      const pages = repeat.filter((e) => e.path.startsWith('/page/'));
      expect(pages).toHaveLength(30);
      // Every catalogue page (they carry ETags) is asked for conditionally and not sent again.
      for (const e of pages) expect(e).toMatchObject({ conditional: true, status: 304 });
      const answered304 = repeat.filter((e) => e.status === 304).length;
      expect(answered304).toBe(second.notModified);
      expect(answered304 / second.requests).toBeGreaterThan(0.6); // "mostly 304s"
      expect(read(path.join(root, 'two'))).toEqual(read(path.join(root, 'one')));
    } finally {
      await fixture.close();
    }

    // The server is gone: --offline needs nothing but the cache.
    const third = await crawl({ ...base, out: path.join(root, 'three'), offline: true });
    expect(third.requests).toBe(0);
    expect(third.offline).toBeGreaterThan(30);
    const offlineRows = read(path.join(root, 'three'));
    expect(offlineRows.filter((r) => r.includes('/page/'))).toEqual(
      read(path.join(root, 'one')).filter((r) => r.includes('/page/')),
    );
  });
});
