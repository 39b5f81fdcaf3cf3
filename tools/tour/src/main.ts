/** `pnpm demo`: every app's demo in turn, a heading each, stopping at the first failure. */
import { fileURLToPath } from 'node:url';
import { parseCommandLine, runMain, UsageError } from '@netlab/cli';
import { findDemoApps, runTour, summarize } from './index.ts';

const HELP = `Usage: pnpm demo [--list] [APP...]

Runs each app's demo (apps/<name>, its "demo" script) in turn, stops at the first failure
with a non-zero exit, and ends with a one-line summary.

  --list      print the apps that have a demo and exit
  -h, --help  show this help

Example: pnpm demo tcp-chat udp-telemetry
`;

const root = fileURLToPath(new URL('../../..', import.meta.url));

runMain(
  async (argv) => {
    const { values, positionals } = parseCommandLine({
      args: argv,
      options: { list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const all = await findDemoApps(root);
    const unknown = positionals.filter((name) => !all.some((app) => app.name === name));
    if (unknown.length > 0) {
      throw new UsageError(`no app named ${unknown.join(', ')} has a demo (try --list)`);
    }
    const apps = positionals.length > 0 ? all.filter((a) => positionals.includes(a.name)) : all;
    if (values.list) {
      for (const app of all) process.stdout.write(`${app.name}\t${app.description}\n`);
      return 0;
    }
    const result = await runTour(apps, process.stdout);
    process.stdout.write(`\n${summarize(result, apps.length)}\n`);
    return result.failed ? 1 : 0;
  },
  { name: 'demo' },
);
