/** mail: the command-line entry point (the only module with side effects). */
import { runMain, scriptArgs } from '@netlab/cli';
import { runCli } from './cli.ts';

// runMain sees the arguments without pnpm's `--`, so `--json` errors come out as JSON.
runMain((argv) => runCli(argv), { name: 'mail', argv: scriptArgs() });
