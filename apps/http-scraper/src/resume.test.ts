/** kill -9 in the middle of a crawl, then the same command: nothing fetched twice, nothing lost. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createFixtureServer } from './fixture/server.ts';

const app = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'http-scraper-resume-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

const PAGES = 120;
const PER_HOST = 2;

function startCrawl(origin: string, out: string): ChildProcess {
  const args = ['--import', 'tsx', 'src/main.ts', 'crawl', `${origin}/page/0`, '--out', out];
  args.push('--select', 'title=h1', '--per-host', String(PER_HOST), '--delay', '15', '--quiet');
  const child = spawn(process.execPath, args, { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

/** Rows the journal had committed: the output up to the last journal line's output length. */
function committedUrls(out: string): Set<string> {
  const journal = fs.readFileSync(path.join(out, 'journal.log'), 'utf8').split('\n');
  const complete = journal.slice(0, -1); // the part after the last newline may be torn
  const end = Math.max(0, ...complete.map((line) => Number(line.split('\t')[1])));
  const text = fs.readFileSync(path.join(out, 'results.jsonl')).subarray(0, end).toString('utf8');
  return new Set(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line).url as string),
  );
}

async function waitForRows(out: string, rows: number): Promise<void> {
  const file = path.join(out, 'results.jsonl');
  for (let i = 0; i < 400; i++) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (text.split('\n').length > rows) return;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`no ${rows} rows within 10 s`);
}

describe('resume after kill -9', { timeout: 120_000 }, () => {
  it('fetches no committed page again and loses none', async () => {
    const fixture = createFixtureServer({ pages: PAGES, extras: false });
    const origin = await fixture.listen();
    const out = path.join(root, 'out');
    try {
      const first = startCrawl(origin, out);
      await waitForRows(out, 40);
      first.kill('SIGKILL');
      await once(first, 'exit');
      const killedAt = fixture.log.length;
      const committed = committedUrls(out);
      expect(committed.size).toBeGreaterThanOrEqual(40);
      expect(committed.size).toBeLessThan(PAGES);

      const second = startCrawl(origin, out);
      const [code] = await once(second, 'exit');
      expect(code).toBe(0);

      const before = fixture.log.slice(0, killedAt).map((e) => `${origin}${e.path}`);
      const after = fixture.log.slice(killedAt).map((e) => `${origin}${e.path}`);
      // No page committed before the kill is requested again...
      expect(after.filter((url) => committed.has(url))).toEqual([]);
      // ...and the only pages fetched twice are those in flight when the process died.
      const again = after.filter((url) => url.includes('/page/') && before.includes(url));
      expect(again.length).toBeLessThanOrEqual(PER_HOST + 1);

      const rows = fs
        .readFileSync(path.join(out, 'results.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean);
      const urls = rows.map((line) => JSON.parse(line).url as string);
      expect(new Set(urls).size).toBe(urls.length); // no row twice
      for (let i = 0; i < PAGES; i++) expect(urls).toContain(`${origin}/page/${i}`); // none lost
    } finally {
      await fixture.close();
    }
  });
});
