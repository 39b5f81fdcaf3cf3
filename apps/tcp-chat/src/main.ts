/** The tcp-chat command line: `tcp-chat server` and `tcp-chat client`. */
import { runMain, UsageError } from '@netlab/cli';
import { CLIENT_HELP, clientMain } from './client-cli.ts';
import { SERVER_HELP, serverMain } from './server-cli.ts';

const HELP = `usage: tcp-chat <server|client> [options]   (tcp-chat <command> --help for more)

A chat server and client over TCP: rooms, history with replay, whispers, TLS.

example:
  tcp-chat server &
  tcp-chat client --nick ann             # starts in #lobby (--room for another)

${SERVER_HELP.split('\n')[0]}
${CLIENT_HELP.split('\n')[0]}`;

runMain(
  async (argv) => {
    // `pnpm run client -- --nick ann` passes the `--` along; it means nothing here.
    const [command, ...rest] = argv.filter((arg, i) => !(arg === '--' && i <= 1));
    if (command === 'server') return serverMain(rest);
    if (command === 'client') return clientMain(rest);
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      console.log(HELP);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${command}' (expected server or client)`);
  },
  { name: 'tcp-chat' },
);
