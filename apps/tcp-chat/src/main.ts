/** The tcp-chat command line: `tcp-chat server` and `tcp-chat client`; the only module with side effects. */
import { runMain, scriptArgs, UsageError } from '@netlab/cli';
import { HELP } from './help.ts';

// Each command's module is imported when that command runs, and imports the server or the
// client only after its --help is handled: `--help` loads the help texts and nothing else.

// `pnpm run client -- --nick ann` passes the `--` along; scriptArgs drops it, so runMain does
// not take it for the end of our flags (it looks for --json before any `--`).
const typed = scriptArgs();

runMain(
  async (argv) => {
    const [command, ...rest] = argv;
    if (command === 'server') return (await import('./server-cli.ts')).serverMain(rest);
    if (command === 'client') return (await import('./client-cli.ts')).clientMain(rest);
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      console.log(HELP);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${command}' (expected server or client)`);
  },
  { name: 'tcp-chat', argv: typed },
);
