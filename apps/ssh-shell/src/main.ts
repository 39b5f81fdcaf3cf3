/** ssh-shell command line: the only module with side effects. */
import { runMain, UsageError } from '@netlab/cli';
import { CLIENT_HELP, runClient } from './cli-client.ts';
import { runHashPassword, runServer, SERVER_HELP } from './cli-server.ts';
import { runDemo } from './demo.ts';

const HELP = `ssh-shell: an SSH server and client that interoperate with OpenSSH.
  ssh-shell demo      start a server, run a command and a PTY session through the client, check

${CLIENT_HELP}

${SERVER_HELP}`;

runMain(
  async (argv) => {
    const [command, ...rest] = argv;
    switch (command) {
      case 'server':
        return runServer(rest);
      case 'demo':
        return runDemo();
      case 'hash-password':
        return runHashPassword(rest);
      case 'exec':
      case 'shell':
      case 'put':
      case 'get':
        return runClient(command, rest);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(`${HELP}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}' (try --help)`);
    }
  },
  { name: 'ssh-shell' },
);
