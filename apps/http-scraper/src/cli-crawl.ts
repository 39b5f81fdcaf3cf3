/** The `crawl` command: parses its arguments, runs the crawl with a progress line, prints the summary. */
import { color } from '@netlab/cli';
import { parseCrawlArgs } from './args.ts';
import { CRAWL_HELP } from './help.ts';

export async function crawlCommand(argv: string[]): Promise<number> {
  const parsed = parseCrawlArgs(argv);
  if (parsed.help) {
    process.stdout.write(CRAWL_HELP);
    return 0;
  }
  // Loaded after --help: the crawler pulls in undici, htmlparser2 and css-select.
  const [{ crawl }, { createCrawlProgress }, { formatSummary }] = await Promise.all([
    import('./crawler.ts'),
    import('./progress.ts'),
    import('./stats.ts'),
  ]);
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
