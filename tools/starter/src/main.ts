/** `pnpm starter <app> <dir>`: export an app as a standalone project. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, runMain, UsageError } from '@netlab/cli';
import { exportApp } from './index.ts';

const HELP = `Usage: pnpm starter <app> <dir> [--json]

Writes a standalone project for one app into <dir>: the app, the shared @netlab packages it
uses (under packages/), manifests that work with npm and pnpm, a README and a CI workflow.
Nothing in it points back into this repository.

  --json      print what was written as JSON
  -h, --help  show this help

Example:
  pnpm starter tcp-chat ../my-chat && cd ../my-chat && npm install && npm test
`;

const root = fileURLToPath(new URL('../../..', import.meta.url));

runMain(
  async (argv) => {
    const { values, positionals } = parseCommandLine({
      args: argv.filter((arg) => arg !== '--'),
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
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
    const dir = resolve(process.env.INIT_CWD ?? process.cwd(), target);
    const result = await exportApp(root, app, dir);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(
      `exported ${app} to ${dir}: ${result.files.length} files, packages ${result.packages.join(', ')}\n` +
        `next: cd ${target} && npm install && npm test   (or pnpm install && pnpm test)\n`,
    );
    return 0;
  },
  { name: 'starter' },
);
