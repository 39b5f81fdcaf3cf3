/** The http-scraper command line: `crawl` a site politely, or serve the `fixture` site. */
import { runMain, scriptArgs, UsageError } from '@netlab/cli';
import { HELP } from './help.ts';

// Each command's module is imported only when that command runs, so `--help` and a typo cost
// Node's start and this file, not the crawler's dependencies.

// `pnpm crawl -- <url> --depth 2` passes the `--` on; scriptArgs drops it before parseArgs or
// runMain looks.
const argv = scriptArgs();

runMain(
  async ([command, ...rest]) => {
    if (command === 'crawl') return (await import('./cli-crawl.ts')).crawlCommand(rest);
    if (command === 'fixture') return (await import('./cli-fixture.ts')).fixtureCommand(rest);
    if (command === '--help' || command === '-h') {
      process.stdout.write(HELP);
      return 0;
    }
    throw new UsageError(`unknown command '${command ?? ''}': use crawl or fixture`);
  },
  { name: 'http-scraper', argv },
);
