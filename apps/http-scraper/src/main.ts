/** The http-scraper command line: `crawl` a site politely, or serve the `fixture` site. */
import { parseEndpoint, parsePort } from '@netlab/addressing';
import { color, parseCommandLine, parseInteger, runMain, UsageError, userPath } from '@netlab/cli';
import { parseCrawlArgs } from './args.ts';
import { crawl } from './crawler.ts';
import { createFixtureServer } from './fixture/server.ts';
import { DEFAULT_USER_AGENT } from './options.ts';
import { createCrawlProgress } from './progress.ts';
import { formatSummary } from './stats.ts';

const CRAWL_HELP = `Usage: http-scraper crawl <url...> [options]

Crawls from the given URLs, politely, into an output folder that also holds the crawl's
state: run the same command again after a crash (even kill -9) and it resumes.

Scope:        --depth N  --max-pages N  --allow-domain D  --include GLOB  --exclude GLOB
              (same host as the seeds by default; a glob starting with / matches the path)
Politeness:   --concurrency N (16)  --per-host N (4)  --delay MS (0; robots Crawl-delay wins
              when longer; with a delay, one request per host at a time)  --no-robots
              --no-sitemaps  --user-agent UA
              (default: ${DEFAULT_USER_AGENT})
Resilience:   --retries N (3)  --max-retry-after MS (120000)  --max-redirects N (5)
              --connect-timeout MS (10000)  --header-timeout MS (30000)
              --body-timeout MS (30000; silence within the body)
              --deadline MS (60000; a whole response, headers and body)
              --max-body SIZE (5mb)  --max-robots SIZE (500k; robots.txt, read past
              --max-body as RFC 9309 asks, and cut at the last whole line)
              --accept TYPES (text/html,application/xhtml+xml)
Cache:        --cache DIR (conditional requests: a repeat crawl is mostly 304s)  --offline
Output:       -o, --out DIR (crawl-out)  --format jsonl|csv  -s, --select name=css[@attr]
              -c, --config FILE (JSON: {"select": {"title": "h1"}, "depth": 2, ...})
              --fresh (discard the folder's earlier crawl)  --json (summary as JSON)
              -q, --quiet (no progress)  --trace (one line per request)

Example:
  http-scraper crawl http://127.0.0.1:8080/ --select title=h1 --select price=.price --depth 3
`;

const FIXTURE_HELP = `Usage: http-scraper fixture [--host H] [--port P] [--pages N] [options]

Serves the deterministic test site: N catalogue pages with a link graph, robots.txt, a
sitemap, redirects and a loop, 429 with Retry-After, flaky 500s, slow, huge, Latin-1,
Shift_JIS and malformed pages.

Options:      --host H (127.0.0.1; host:port works too)  --port P (8080; 0 picks one)
              --pages N (100)  --crawl-delay S  --no-extras  --slow MS (300)
              --log FILE (append each request as a JSON line)

Example:
  http-scraper fixture --port 8080 --pages 1000 --crawl-delay 0.1
`;

async function crawlCommand(argv: string[]): Promise<number> {
  const parsed = parseCrawlArgs(argv);
  if (parsed.help) {
    process.stdout.write(CRAWL_HELP);
    return 0;
  }
  const progress = parsed.quiet ? undefined : createCrawlProgress();
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    const summary = await crawl({
      ...parsed.options,
      signal: abort.signal,
      onProgress: (counts) => progress?.update(counts),
      trace: parsed.trace
        ? (line) => (progress ? progress.log(line) : process.stderr.write(`${line}\n`))
        : undefined,
    });
    progress?.done();
    if (parsed.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else
      process.stdout.write(
        `${formatSummary(summary)}\n${color.dim(`output in ${parsed.options.out}/`)}\n`,
      );
    return summary.interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}

async function fixtureCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      pages: { type: 'string' },
      'crawl-delay': { type: 'string' },
      'no-extras': { type: 'boolean' },
      slow: { type: 'string' },
      log: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(FIXTURE_HELP);
    return 0;
  }
  const endpoint = parseEndpoint(values.host ?? '127.0.0.1', {
    defaultPort: parsePort(values.port ?? '8080'),
  });
  const delay = Number(values['crawl-delay'] ?? 0);
  if (!(delay >= 0))
    throw new UsageError(`--crawl-delay takes seconds, not '${values['crawl-delay']}'`);
  const { appendFileSync } = await import('node:fs');
  const logFile = values.log === undefined ? undefined : userPath(values.log);
  const fixture = createFixtureServer({
    pages: parseInteger('--pages', values.pages ?? '100', { min: 1 }),
    crawlDelay: delay,
    extras: values['no-extras'] !== true,
    slowMs: parseInteger('--slow', values.slow ?? '300'),
    log: false,
    ...(logFile ? { onLog: (entry) => appendFileSync(logFile, `${JSON.stringify(entry)}\n`) } : {}),
  });
  const origin = await fixture.listen(endpoint.host, endpoint.port);
  process.stdout.write(`${origin}/\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve).once('SIGTERM', resolve);
  });
  await fixture.close();
  return 0;
}

const HELP = `Usage: http-scraper <crawl|fixture> [options]   (--help after a command for its options)\n`;

// `pnpm crawl -- <url> --depth 2` passes the `--` on; parseArgs would end option parsing there,
// and runMain would not see a `--json` after it. Dropped here, before either looks.
const [first, ...after] = process.argv.slice(2);
const argv = first === undefined ? [] : [first, ...(after[0] === '--' ? after.slice(1) : after)];

runMain(
  async ([command, ...rest]) => {
    if (command === 'crawl') return crawlCommand(rest);
    if (command === 'fixture') return fixtureCommand(rest);
    if (command === '--help' || command === '-h') {
      process.stdout.write(HELP);
      return 0;
    }
    throw new UsageError(`unknown command '${command ?? ''}': use crawl or fixture`);
  },
  { name: 'http-scraper', argv },
);
