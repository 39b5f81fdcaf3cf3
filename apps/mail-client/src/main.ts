/** mail: the command-line entry point (the only module with side effects). */
import { runMain } from '@netlab/cli';
import { runCli } from './cli.ts';

runMain((argv) => runCli(argv), { name: 'mail' });
