/** ssh-shell command line: the only module with side effects. */
import { runMain, UsageError } from '@netlab/cli';
import { CLIENT_HELP, runClient, splitCommandLine } from './cli-client.ts';
import { runHashPassword, runServer, SERVER_HELP } from './cli-server.ts';
import { runDemo } from './demo.ts';

const HELP = `ssh-shell: an SSH server and client that interoperate with OpenSSH.
  ssh-shell demo      start a server, run a command and a PTY session through the client, check

${CLIENT_HELP}

${SERVER_HELP}`;

/**
 * runMain prints errors as JSON when `--json` comes before any `--`. For exec the words after
 * HOST are the remote command (`exec host grep --json x`): runMain is shown a `--` before
 * them, while the command itself gets the arguments as typed.
 */
function markRemoteCommand(argv: string[]): string[] {
  const [command, ...rest] = argv;
  if (command !== 'exec' || rest.includes('--')) return argv;
  const { options, rest: remote } = splitCommandLine(rest);
  return remote.length === 0 ? argv : [command, ...options, '--', ...remote];
}

const typed = process.argv.slice(2);
runMain(
  async () => {
    const argv = typed;
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
  { name: 'ssh-shell', argv: markRemoteCommand(typed) },
);
