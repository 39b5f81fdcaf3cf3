/** robots.txt that is too long, cut mid-rule, missing or unreachable: what each does to its host. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { journalCodes, runCli } from './fixture/child.ts';
import { createHostileServer, type HostileRobots, type HostileServer } from './fixture/hostile.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'http-scraper-robots-'));
const servers: HostileServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const KIB = 1024;

/** A robots.txt of `size` bytes: `head` first, comment lines, then `tail` as its last line. */
function robotsOf(head: string, size: number, tail: string): string {
  const filler = `# ${'-'.repeat(60)}\n`;
  let body = head;
  while (body.length + filler.length + tail.length <= size) body += filler;
  return body + ' '.repeat(size - body.length - tail.length) + tail;
}

/** Crawls `paths` of a site with that robots.txt; returns the journal and the JSON summary. */
async function crawl(robots: HostileRobots, paths: string[], flags: string[] = []) {
  const server = createHostileServer({ robots });
  servers.push(server);
  const origin = await server.listen();
  const out = path.join(root, `out-${servers.length}`);
  const args = ['crawl', ...paths.map((p) => `${origin}${p}`), '--out', out];
  const run = await runCli([...args, '--retries', '1', '--json', ...flags]);
  expect(run.code).toBe(0);
  const codes = journalCodes(out);
  return {
    server,
    origin,
    out,
    args,
    summary: JSON.parse(run.stdout),
    code: (p: string) => codes.get(`${origin}${p}`),
  };
}

describe('robots.txt over --max-body', { timeout: 60_000 }, () => {
  it('is read to 500 KiB whatever --max-body says, and its last rule obeyed', async () => {
    const body = robotsOf('User-agent: *\n', 300 * KIB, 'Disallow: /l/late\n');
    const { code, summary } = await crawl(
      { kind: 'text', body },
      ['/l/early', '/l/late'],
      [...['--max-body', '64k']],
    );
    expect(code('/l/early')).toBe('200');
    expect(code('/l/late')).toBe('robots');
    expect(summary.robots).toEqual([]);
  });

  it('is cut past --max-robots at the last whole line, and the summary says so', async () => {
    // The 500 KiB cut falls inside `Disallow: /l/cut-here`: parsed half, it would read
    // `Disallow: /l/c` and forbid /l/c-allowed too.
    const head = 'User-agent: *\nDisallow: /l/first\n';
    const rule = 'Disallow: /l/cut-here\n';
    const before = robotsOf(head, 500 * KIB - 'Disallow: /l/c'.length + rule.length, rule);
    const body = robotsOf(before, 700 * KIB, 'Disallow: /l/past-the-cut\n');
    const paths = ['/l/first', '/l/c-allowed', '/l/past-the-cut'];
    const { code, summary, origin } = await crawl({ kind: 'text', body }, paths);
    expect(code('/l/first')).toBe('robots');
    expect(code('/l/c-allowed')).toBe('200');
    expect(code('/l/past-the-cut')).toBe('200');
    expect(summary.robots).toEqual([expect.objectContaining({ origin, outcome: 'truncated' })]);
  });
});

describe('robots.txt built to be slow', { timeout: 60_000 }, () => {
  it('matches a 500 KiB rule of 250,000 wildcards against long paths in one pass each', async () => {
    const body = `User-agent: *\nDisallow: /${'*a'.repeat(250_000)}*b\n`;
    // 8,000-character paths of `a`: every piece but the last is found, and never a `b`. Matched
    // by sets of positions, as this matcher once did, each check took about a second, and the
    // 100 of them ran past this test's 60 s.
    const paths = Array.from({ length: 100 }, (_, i) => `/l/${'a'.repeat(8000)}-${i}`);
    const { code } = await crawl({ kind: 'text', body }, paths, ['--no-sitemaps']);
    for (const p of paths) expect(code(p)).toBe('200');
  });
});

describe('robots.txt that cannot be had', { timeout: 60_000 }, () => {
  it('allows everything after a 4xx (RFC 9309 §2.3.1.3), and says so', async () => {
    const { code, summary, origin } = await crawl({ kind: 'status', status: 404 }, ['/l/a']);
    expect(code('/l/a')).toBe('200');
    expect(summary.robots).toEqual([
      expect.objectContaining({ origin, outcome: 'unavailable', reason: 'HTTP 404' }),
    ]);
  });

  it('allows everything past five redirects (§2.3.1.2), and says so', async () => {
    const { code, summary, server } = await crawl({ kind: 'redirect-loop' }, ['/l/a']);
    expect(code('/l/a')).toBe('200');
    expect(summary.robots).toEqual([
      expect.objectContaining({ outcome: 'unavailable', reason: 'over 5 redirects' }),
    ]);
    expect(server.log.filter((p) => p === '/robots.txt').length).toBe(6);
  });

  for (const [what, robots, reason] of [
    ['a 503', { kind: 'status', status: 503 }, 'HTTP 503'],
    ['a reset connection', { kind: 'reset' }, 'ERR_NETWORK: UND_ERR_SOCKET'],
  ] as const) {
    it(`disallows everything after ${what} (§2.3.1.4) for this run only`, async () => {
      const site = await crawl(robots, ['/l/a', '/l/b']);
      const { server, origin, args, summary } = site;
      expect(site.code('/l/a')).toBe('ERR_ROBOTS_UNREACHABLE');
      expect(site.code('/l/b')).toBe('ERR_ROBOTS_UNREACHABLE');
      expect(summary).toMatchObject({ errors: { ERR_ROBOTS_UNREACHABLE: 2 }, pending: 2 });
      expect(summary.robots).toEqual([
        expect.objectContaining({ origin, outcome: 'unreachable', reason }),
      ]);
      expect(server.log.filter((p) => p === '/robots.txt').length).toBe(2); // 1 + --retries
      expect(server.log.some((p) => p.startsWith('/l/') || p === '/sitemap.xml')).toBe(false);
      // The next run asks again; robots.txt is back, and the URLs and sitemaps are fetched.
      server.robots = { kind: 'status', status: 404 };
      const again = await runCli([...args, '--retries', '1', '--json']);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ pages: 2, errors: {}, pending: 0 });
      expect(server.log).toContain('/sitemap.xml');
    });
  }

  it('shows what happened to the host in the human summary', async () => {
    const server = createHostileServer({ robots: { kind: 'status', status: 503 } });
    servers.push(server);
    const origin = await server.listen();
    const out = path.join(root, 'human');
    const run = await runCli(['crawl', `${origin}/l/a`, '--out', out, '--retries', '0', '-q']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `robots     ${origin}/robots.txt unreachable (HTTP 503): every URL disallowed`,
    );
  });
});
