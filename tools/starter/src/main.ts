/** `pnpm starter <app> <dir>`: export an app as a standalone project. */
import { fileURLToPath } from 'node:url';
import { parseCommandLine, runMain, UsageError, userPath } from '@netlab/cli';
import { exportApp } from './index.ts';

const HELP = `Usage: pnpm starter <app> <dir> [--with-bench] [--json]

Writes a standalone project for one app into <dir>: the app, the files of the shared @netlab
packages it uses (under packages/), manifests that work with npm and pnpm, a README and a CI
workflow. Nothing in it points back into this repository. Benchmarks stay out unless asked:
the app's bench/ folder, its bench scripts, and the dependencies only they use.

  --with-bench  keep the benchmarks and what only they need
  --json        print what was written as JSON
  -h, --help    show this help

Example:
  pnpm starter tcp-chat ../my-chat && cd ../my-chat && npm install && npm test
`;

const root = fileURLToPath(new URL('../../..', import.meta.url));

runMain(
  async (argv) => {
    const { values, positionals } = parseCommandLine({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        json: { type: 'boolean' },
        'with-bench': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const [app, target, ...extra] = positionals;
    if (!app || !target || extra.length > 0)
      throw new UsageError('expected <app> <dir> (try --help)');
    // pnpm runs this from tools/starter; the user's folder is where they typed the command.
    const dir = userPath(target);
    const result = await exportApp(root, app, dir, { withBench: values['with-bench'] === true });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const { scripts, dependencies } = result.leftOut;
    const leftOut = values['with-bench']
      ? ''
      : `left out (--with-bench keeps them): bench/ and BENCH.md, scripts ${list(scripts)}, devDependencies ${list(dependencies)}\n`;
    process.stdout.write(
      `exported ${app} to ${dir}: ${result.files.length} files, packages ${result.packages.join(', ')}\n${leftOut}` +
        `next: cd ${target} && npm install && npm test   (or pnpm install && pnpm test)\n`,
    );
    return 0;
  },
  { name: 'starter' },
);

function list(names: string[]): string {
  return names.length > 0 ? names.join(', ') : '(none)';
}
