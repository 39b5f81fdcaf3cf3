/** The demo: serve the fixture site, crawl it with the real CLI twice (cold, then cached), check. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFixtureServer } from './fixture/server.ts';
import { pagePrice } from './fixture/site.ts';

const app = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const work = path.join(app, '.demo');
const PAGES = 60;
const NETLAB_RUN = path.join(app, 'node_modules', '@netlab', 'cli', 'bin', 'netlab-run.mjs');

function cli(args: string[]): Promise<number> {
  process.stdout.write(`\n$ http-scraper ${args.join(' ')}\n`);
  // As `pnpm crawl` runs it: the cached bundle of netlab-run, not tsx (~0.3 s less per command).
  const child = spawn(process.execPath, [NETLAB_RUN, 'src/main.ts', ...args], {
    cwd: app,
    stdio: 'inherit',
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

function check(ok: boolean, what: string): void {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
  if (!ok) process.exitCode = 1;
}

fs.rmSync(work, { recursive: true, force: true });
const fixture = createFixtureServer({ pages: PAGES, slowMs: 200 });
const origin = await fixture.listen();
try {
  const common = ['--select', 'title=h1', '--select', 'price=.price', '--cache', `${work}/cache`];
  const first = await cli(['crawl', `${origin}/`, '--out', `${work}/cold`, ...common]);
  const coldRequests = fixture.log.length;
  const second = await cli(['crawl', `${origin}/`, '--out', `${work}/warm`, ...common, '--quiet']);

  const rows = fs
    .readFileSync(`${work}/cold/results.jsonl`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, string>);
  process.stdout.write('\nA few extracted rows:\n');
  for (const row of rows.filter((r) => !r.url!.includes('/page/')).slice(0, 8)) {
    process.stdout.write(
      `  ${row.url!.slice(origin.length).padEnd(12)} ${row.title}  ${row.price ?? ''}\n`,
    );
  }
  process.stdout.write(
    `  ... and ${rows.filter((r) => r.url!.includes('/page/')).length} catalogue pages\n\n`,
  );

  check(first === 0 && second === 0, 'both crawls exited 0');
  const pages = rows.filter((r) => /\/page\/\d+$/.test(r.url!));
  check(pages.length === PAGES, `all ${PAGES} catalogue pages extracted once`);
  check(
    pages.every((r) => r.price === pagePrice(Number(r.url!.split('/').pop()))),
    'every price matches the page',
  );
  check(!fixture.log.some((e) => e.path.startsWith('/private/')), 'robots.txt Disallow obeyed');
  check(
    rows.some((r) => r.title === '日本語のページ'),
    'Shift_JIS page decoded',
  );
  const warm = fixture.log.slice(coldRequests);
  const notModified = warm.filter((e) => e.status === 304).length;
  check(
    notModified > warm.length / 2,
    `repeat crawl: ${notModified} of ${warm.length} answers were 304`,
  );
} finally {
  await fixture.close();
}
