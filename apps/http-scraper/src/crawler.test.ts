/** The crawler against the fixture site: every behaviour checked from the rows and the server's log. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawl } from './crawler.ts';
import { parseFieldSpec } from './field.ts';
import { createFixtureServer, type FixtureServer, type LogEntry } from './fixture/server.ts';
import { pagePrice } from './fixture/site.ts';
import { DEFAULT_USER_AGENT } from './options.ts';

const select = ['title=h1', 'price=.price'].map(parseFieldSpec);
const dirs: string[] = [];
const servers: FixtureServer[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-scraper-'));
  dirs.push(dir);
  return dir;
}

async function site(options: Parameters<typeof createFixtureServer>[0]) {
  const fixture = createFixtureServer(options);
  servers.push(fixture);
  return { fixture, origin: await fixture.listen() };
}

/**
 * The fixture as its own process (the CLI's `fixture` command), logging to a file: its arrival
 * stamps then come from an event loop the crawler never blocks. In-process, a crawler busy
 * for a moment (a module compiled on first use, a GC) delays the server's stamp of a request
 * already sent, and the next one, sent on time, looks as if it came right after it.
 */
async function siteProcess(args: string[]) {
  const log = path.join(tempDir(), 'requests.jsonl');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./main.ts', import.meta.url)),
      'fixture',
      '--port',
      '0',
      '--log',
      log,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout
      .setEncoding('utf8')
      .once('data', (line: string) => resolve(line.trim().replace(/\/$/, '')));
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
  });
  return {
    origin,
    /** Stops the server and returns its log, in order of arrival. */
    async stop(): Promise<LogEntry[]> {
      child.kill('SIGTERM');
      await exited;
      const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
      return lines.map((line) => JSON.parse(line) as LogEntry).sort((a, b) => a.t - b.t);
    },
  };
}

type Row = Record<string, string | number | null>;
const rows = (out: string): Row[] =>
  fs
    .readFileSync(path.join(out, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Row);
const requests = (log: LogEntry[], p: string): LogEntry[] => log.filter((e) => e.path === p);

afterAll(async () => {
  for (const server of servers) await server.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a crawl of the whole fixture site', { timeout: 60_000 }, () => {
  let fixture: FixtureServer;
  let origin: string;
  let out: string;
  let summary: Awaited<ReturnType<typeof crawl>>;
  let byUrl: Map<string, Row>;

  beforeAll(async () => {
    ({ fixture, origin } = await site({ pages: 40, slowMs: 50 }));
    out = tempDir();
    summary = await crawl({ seeds: [`${origin}/`], out, select, retryBaseMs: 20, concurrency: 8 });
    byUrl = new Map(rows(out).map((row) => [row.url as string, row]));
  }, 60_000);

  it('writes every catalogue page exactly once with its fields', () => {
    const all = rows(out);
    expect(new Set(all.map((r) => r.url)).size).toBe(all.length);
    for (let i = 0; i < 40; i++) {
      expect(byUrl.get(`${origin}/page/${i}`)).toMatchObject({
        title: `Product ${i}`,
        price: pagePrice(i),
      });
    }
    expect(summary.pages).toBe(all.length);
  });

  it('asks for robots.txt first, announces itself honestly and never fetches a disallowed path', () => {
    expect(fixture.log[0]!.path).toBe('/robots.txt');
    expect(new Set(fixture.log.map((e) => e.ua))).toEqual(new Set([DEFAULT_USER_AGENT]));
    expect(fixture.log.filter((e) => e.path.startsWith('/private/'))).toEqual([]);
    expect(summary.robotsExcluded).toBe(1);
  });

  it('finds pages only the sitemap lists', () => {
    expect(requests(fixture.log, '/sitemap.xml')).toHaveLength(1);
    for (const k of [0, 1, 2]) expect(byUrl.get(`${origin}/orphan/${k}`)?.depth).toBe(0);
  });

  it('requests no page twice except to retry it', () => {
    const counts = new Map<string, number>();
    for (const e of fixture.log) counts.set(e.path, (counts.get(e.path) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1).map(([p]) => p);
    expect(repeated.sort()).toEqual(['/broken', '/flaky/1', '/limited']);
  });

  it('waits out Retry-After on 429, backs off on 500s, gives up after --retries', () => {
    const limited = requests(fixture.log, '/limited');
    expect(limited.map((e) => e.status)).toEqual([429, 200]);
    expect(limited[1]!.t - limited[0]!.t).toBeGreaterThanOrEqual(950); // Retry-After: 1
    expect(requests(fixture.log, '/flaky/1').map((e) => e.status)).toEqual([500, 500, 200]);
    expect(requests(fixture.log, '/broken')).toHaveLength(4); // 1 + 3 retries
    expect(summary.errors.HTTP_503).toBe(1);
    expect(byUrl.get(`${origin}/flaky/1`)?.title).toBe('Third time');
  });

  it('follows redirects once, detects the loop, dedupes the targets', () => {
    expect(summary.errors.ERR_REDIRECT_LOOP).toBe(1);
    expect(requests(fixture.log, '/loop/a')).toHaveLength(1);
    expect(byUrl.get(`${origin}/page/5`)?.title).toBe('Product 5'); // end of /redirect-chain/3
    expect(byUrl.has(`${origin}/redirect/1`)).toBe(false);
  });

  it('cuts off the huge page, skips the image, counts the 404', () => {
    expect(summary.errors.ERR_BODY_TOO_LARGE).toBe(1);
    expect(summary.errors.HTTP_404).toBe(1);
    expect(summary.skippedType).toBe(1);
    expect(byUrl.has(`${origin}/image.png`)).toBe(false);
  });

  it('decodes Latin-1 (header), Shift_JIS (meta), gzip, and survives malformed HTML', () => {
    expect(byUrl.get(`${origin}/latin1`)).toMatchObject({
      title: 'Café crème brûlée',
      price: '£4.50',
    });
    expect(byUrl.get(`${origin}/sjis`)).toMatchObject({ title: '日本語のページ', price: '￥980' });
    expect(byUrl.get(`${origin}/gzip`)?.title).toBe('Squeezed');
    expect(byUrl.get(`${origin}/malformed`)).toMatchObject({
      title: 'Still parsed',
      price: '$1.00',
    });
    expect(byUrl.get(`${origin}/slow`)?.title).toBe('Eventually');
  });
});

describe('politeness, measured from the server log', { timeout: 60_000 }, () => {
  it('keeps robots.txt Crawl-delay between request starts, whatever the concurrency', async () => {
    const server = await siteProcess(['--pages', '8', '--no-extras', '--crawl-delay', '0.15']);
    const out = tempDir();
    await crawl({ seeds: [`${server.origin}/page/0`], out, concurrency: 8, perHost: 8 });
    const times = (await server.stop()).map((e) => e.t);
    expect(times).toHaveLength(11); // robots.txt, sitemap.xml, / (from the sitemap), 8 pages
    // One request at a time, each sent 150 ms after the one before it ended, which the server
    // answered after stamping its arrival: every gap between arrivals holds the whole delay
    // (less a few ms for the two processes' clocks and timer rounding).
    for (let i = 1; i < times.length; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(145);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(10 * 150 - 50);
  });

  it('never has more than --per-host requests open at once', async () => {
    const { fixture, origin } = await site({ pages: 30, extras: false, latencyMs: 30 });
    await crawl({ seeds: [`${origin}/page/0`], out: tempDir(), concurrency: 10, perHost: 2 });
    const events = fixture.log.flatMap((e) => [
      [e.t, 1],
      [e.end, -1],
    ]);
    events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    let open = 0;
    let most = 0;
    for (const [, delta] of events) {
      open += delta!;
      most = Math.max(most, open);
    }
    expect(most).toBe(2);
  });

  it('uses the configured User-Agent, and robots.txt groups match its product token', async () => {
    const { fixture, origin } = await site({ pages: 3, extras: false });
    await crawl({
      seeds: [`${origin}/page/0`],
      out: tempDir(),
      userAgent: 'TestBot/1.0 (+mailto:t@example.org)',
    });
    expect(new Set(fixture.log.map((e) => e.ua))).toEqual(
      new Set(['TestBot/1.0 (+mailto:t@example.org)']),
    );
  });
});

describe('timeouts and limits', { timeout: 60_000 }, () => {
  it('gives up on headers that do not come within --header-timeout, after retrying', async () => {
    const { fixture, origin } = await site({ slowMs: 1000 });
    const summary = await crawl({
      seeds: [`${origin}/slow`],
      out: tempDir(),
      headersTimeoutMs: 100,
      retries: 1,
      retryBaseMs: 10,
      robots: false, // only /slow is under test: its robots.txt must not time out first
      sitemaps: false,
    });
    expect(summary.errors).toEqual({ ERR_HEADERS_TIMEOUT: 1 });
    expect(requests(fixture.log, '/slow')).toHaveLength(2);
  });

  it('gives up on a body that stops arriving within --body-timeout', async () => {
    const { fixture, origin } = await site({});
    const summary = await crawl({
      seeds: [`${origin}/stall`],
      out: tempDir(),
      bodyTimeoutMs: 300,
      retries: 0,
      robots: false,
      sitemaps: false,
    });
    expect(summary.errors).toEqual({ ERR_BODY_TIMEOUT: 1 });
    expect(requests(fixture.log, '/stall')).toHaveLength(1);
  });
});

describe('scope, measured from the server log', { timeout: 60_000 }, () => {
  it('keeps to --include/--exclude globs and --depth, and stops at --max-pages', async () => {
    const { fixture, origin } = await site({ pages: 60, extras: false });
    const pages = (from: number) =>
      fixture.log
        .slice(from)
        .filter((e) => e.path.startsWith('/page/'))
        .map((e) => e.path);

    await crawl({
      seeds: [`${origin}/page/0`],
      out: tempDir(),
      exclude: ['/page/1*'],
      sitemaps: false,
    });
    const excluded = pages(0);
    expect(excluded.length).toBeGreaterThan(30);
    expect(excluded.filter((p) => /^\/page\/1\d*$/.test(p))).toEqual([]);

    let mark = fixture.log.length;
    await crawl({
      seeds: [`${origin}/page/0`],
      out: tempDir(),
      include: ['/page/?'],
      sitemaps: false,
    });
    expect(new Set(pages(mark))).toEqual(
      new Set(Array.from({ length: 10 }, (_, i) => `/page/${i}`)),
    );

    mark = fixture.log.length;
    await crawl({ seeds: [`${origin}/page/0`], out: tempDir(), depth: 1, sitemaps: false });
    expect(pages(mark).sort()).toEqual(['/page/0', '/page/1', '/page/2', '/page/3']);

    mark = fixture.log.length;
    const out = tempDir();
    const summary = await crawl({ seeds: [`${origin}/page/0`], out, maxPages: 7, sitemaps: false });
    expect(pages(mark)).toHaveLength(7);
    expect(rows(out)).toHaveLength(7);
    expect(summary.pending).toBeGreaterThan(0); // the rest stays queued for a later run
  });
});
