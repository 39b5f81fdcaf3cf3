/** telemetry: the command line (agent, collector, top, demo); the only file with side effects. */
import { runMain, scriptArgs, UsageError } from '@netlab/cli';
import { MAIN_HELP } from './help.ts';

// Each command's module is loaded only when that command runs, and loads the collector, the
// agent and their libraries only after its --help is handled: `--help` answers in about the
// time Node takes to start.
// `pnpm collector -- --help` hands us `collector -- --help`: scriptArgs drops pnpm's `--`.
const argv = scriptArgs();

runMain(
  async (argv) => {
    const [command, ...rest] = argv;
    switch (command) {
      case 'collector':
        return (await import('./cli-collector.ts')).collectorCommand(rest);
      case 'agent':
        return (await import('./cli-agent.ts')).agentCommand(rest);
      case 'top':
        return (await import('./top.ts')).topCommand(rest);
      case 'demo':
        return (await import('./demo.ts')).demoCommand(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        console.log(MAIN_HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}' (try --help)`);
    }
  },
  { name: 'telemetry', argv },
);
