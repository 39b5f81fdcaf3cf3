/** ssh-shell command line: the only module with side effects. */
import { runMain, scriptArgs, UsageError } from '@netlab/cli';
import { CLIENT_HELP, SERVER_HELP, splitCommandLine } from './cli-help.ts';

// Each command's module is imported when that command runs, so `--help` and a mistyped
// command never load ssh2 or node-pty.

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

// pnpm 10 forwards the `--` of `pnpm ssh -- --help` (or `pnpm server -- --help`, whose script
// already names the command): one there is ours to drop. exec's own `--` comes later.
const typed = scriptArgs();
runMain(
  async () => {
    const argv = typed;
    const [command, ...rest] = argv;
    switch (command) {
      case 'server':
        return (await import('./cli-server.ts')).runServer(rest);
      case 'demo':
        return (await import('./demo.ts')).runDemo();
      case 'hash-password':
        return (await import('./cli-server.ts')).runHashPassword(rest);
      case 'exec':
      case 'shell':
      case 'put':
      case 'get':
        return (await import('./cli-client.ts')).runClient(command, rest);
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
