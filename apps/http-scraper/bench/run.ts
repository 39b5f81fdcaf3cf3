/** The bench: pages/s and peak RSS for http-scraper vs Crawlee, Scrapy and a minimal crawler. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { scriptNodeFlags } from '@netlab/cli';
import { build } from 'esbuild';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  // `pnpm bench -- --pages 100000` passes the `--` on.
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    pages: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    only: { type: 'string', default: 'minimal,http-scraper,crawlee,scrapy' },
    runs: { type: 'string', default: '1' },
  },
});
const PAGES = Number(values.pages);
const CONCURRENCY = String(values.concurrency);
const RUNS = Number(values.runs);
const app = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'http-scraper-bench-'));
// Beside the bench's sources: a bundle's external imports resolve from where it lies, so
// Crawlee is found in bench/node_modules (the bench's own package) and the rest in the app's.
const bundles = path.join(app, 'bench', '.bench');

/**
 * Every Node crawler runs as plain JavaScript: bundled here by esbuild (same source, types
 * stripped), dependencies left in node_modules. Under tsx each would also carry tsx's loader
 * thread (~50 MB of RSS) that has nothing to do with crawling; Scrapy carries no such thing.
 */
async function bundle(entry: string): Promise<string> {
  const outfile = path.join(bundles, `${path.basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [path.join(app, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [
      'undici',
      'htmlparser2',
      'css-select',
      'css-what',
      'domhandler',
      'robots-parser',
      '@crawlee/*',
    ],
    logLevel: 'warning',
  });
  return outfile;
}

interface Result {
  name: string;
  pages: number;
  seconds: number;
  /** User + system CPU seconds: steadier than wall time when the machine is shared. */
  cpu: number;
  rssMb: number;
  rows: number;
}

/** Runs a command under GNU time (`%e %M %U %S`: wall s, peak RSS KiB, user and system CPU s). */
function measure(name: string, argv: string[], out: string): Promise<Result> {
  const timing = path.join(work, `${name}.time`);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %M %U %S', '-o', timing, ...argv], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0)
        return reject(new Error(`${name} exited with ${code}: ${stdout.slice(-500)}`));
      const [seconds, kib, user, system] = fs
        .readFileSync(timing, 'utf8')
        .trim()
        .split(/\s+/)
        .slice(-4)
        .map(Number);
      const rows = fs
        .readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => l.includes('/page/'));
      // Scrapy writes `"title": "..."` (a space after the colon), the others `"title":"..."`.
      const good = rows.filter(
        (l) => /"title": ?"Product \d+"/.test(l) && /"price": ?"\$\d+\.99"/.test(l),
      );
      const unique = new Set(good.map((l) => /"url": ?"([^"]+)"/.exec(l)?.[1]));
      resolve({
        name,
        pages: unique.size,
        seconds: seconds!,
        cpu: user! + system!,
        rssMb: kib! / 1024,
        rows: rows.length,
      });
    });
  });
}

async function startFixture(main: string): Promise<{ origin: string; stop: () => void }> {
  const args = [main, 'fixture', '--port', '0', '--pages', String(PAGES), '--no-extras'];
  const child = spawn(process.execPath, args, { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) =>
      resolve(chunk.toString().trim().replace(/\/$/, '')),
    );
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
  });
  return { origin, stop: () => child.kill('SIGTERM') };
}

// The node flags of the `crawl` script (heap and WebAssembly tiering: see the README's Memory
// section), so the bench runs the crawler exactly as `pnpm crawl` does, minus tsx.
const NODE_FLAGS = scriptNodeFlags(app, 'crawl');
const main = await bundle('src/main.ts');
const minimal = await bundle('bench/minimal.ts');
const crawlee = await bundle('bench/crawlee.ts');
const runners: Record<string, (start: string, out: string) => string[]> = {
  minimal: (start, out) => [process.execPath, minimal, start, out, CONCURRENCY],
  'http-scraper': (start, out) => [
    process.execPath,
    ...NODE_FLAGS,
    main,
    'crawl',
    start,
    '--out',
    path.dirname(out),
    '--select',
    'title=h1',
    '--select',
    'price=.price',
    '--concurrency',
    CONCURRENCY,
    '--per-host',
    CONCURRENCY,
    '--quiet',
    '--json',
  ],
  crawlee: (start, out) => [process.execPath, crawlee, start, out, CONCURRENCY],
  scrapy: (start, out) => ['/usr/bin/python3', 'bench/scrapy_spider.py', start, out, CONCURRENCY],
};

const fixture = await startFixture(main);
const results: Result[] = [];
try {
  console.log(
    `load average ${os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} on ${os.cpus().length} CPUs`,
  );
  console.log(
    `bench: ${PAGES} pages, concurrency ${CONCURRENCY}, fixture ${fixture.origin}, node ${process.version}, http-scraper flags: ${NODE_FLAGS.join(' ') || 'none'}`,
  );
  // Rounds alternate the crawlers, so a burst of load on this shared machine hits them alike;
  // each crawler's best round is kept (the least disturbed one). Crawlee and Scrapy take
  // minutes a round here and run in the first round only.
  for (let round = 0; round < RUNS; round++) {
    for (const name of values.only.split(',')) {
      if (round > 0 && (name === 'crawlee' || name === 'scrapy')) continue;
      const runner = runners[name];
      if (!runner) throw new Error(`unknown crawler '${name}'`);
      const dir = path.join(work, `${name}-${round}`);
      fs.mkdirSync(dir);
      const out = path.join(dir, 'results.jsonl');
      const result = await measure(name, runner(`${fixture.origin}/page/0`, out), out);
      fs.rmSync(dir, { recursive: true, force: true });
      const rate = result.pages / result.seconds;
      console.log(
        `${name.padEnd(13)} ${String(result.pages).padStart(6)} pages  ${result.seconds.toFixed(2).padStart(7)} s  ${rate.toFixed(0).padStart(6)} pages/s  CPU ${result.cpu.toFixed(2).padStart(6)} s  peak RSS ${result.rssMb.toFixed(0).padStart(4)} MB`,
      );
      if (result.pages !== PAGES) {
        console.log(
          `  ! ${name} extracted ${result.pages} of ${PAGES} pages (${result.rows} rows)`,
        );
      }
      const best = results.find((r) => r.name === name);
      if (!best) results.push(result);
      else if (result.seconds < best.seconds)
        Object.assign(best, { ...result, rssMb: Math.max(best.rssMb, result.rssMb) });
      else best.rssMb = Math.max(best.rssMb, result.rssMb);
    }
  }
} finally {
  fixture.stop();
  fs.rmSync(work, { recursive: true, force: true });
}

console.log(
  `load average ${os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')} on ${os.cpus().length} CPUs`,
);
const ours = results.find((r) => r.name === 'http-scraper');
if (RUNS > 1) console.log(`best of ${RUNS} rounds (peak RSS: the highest seen):`);
if (ours) {
  const oursRate = ours.pages / ours.seconds;
  for (const other of results.filter((r) => r !== ours)) {
    const speed = oursRate / (other.pages / other.seconds);
    const memory = ours.rssMb / other.rssMb;
    const cpu = other.cpu / other.pages / (ours.cpu / ours.pages);
    console.log(
      `ratio http-scraper/${other.name.padEnd(8)} speed ${speed.toFixed(2)}x  pages per CPU-second ${cpu.toFixed(2)}x  peak RSS ${memory.toFixed(2)}x`,
    );
  }
}
