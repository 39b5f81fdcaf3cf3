/** telemetry: the command line (agent, collector, top, demo); the only file with side effects. */
import { runMain, UsageError } from '@netlab/cli';
import { AGENT_HELP, agentCommand } from './cli-agent.ts';
import { COLLECTOR_HELP, collectorCommand } from './cli-collector.ts';
import { demoCommand } from './demo.ts';
import { TOP_HELP, topCommand } from './top.ts';

const HELP = `Usage: telemetry <command> [options]

A metrics agent and a StatsD-compatible collector over UDP that counts every lost datagram.

Commands:
  collector   receive, aggregate and serve metrics (UDP 127.0.0.1:8125, HTTP 127.0.0.1:9102)
  agent       sample this host and send the metrics to a collector
  top         live view of a collector's busiest metrics and loss per source
  demo        run a collector and agents together for a few seconds and check the result

Run 'telemetry <command> --help' for its options.

Example:
  telemetry collector --interval 5s &
  telemetry agent --interval 1s --count 10
  telemetry top --count 1

${COLLECTOR_HELP.split('\n')[0]}
${AGENT_HELP.split('\n')[0]}
${TOP_HELP.split('\n')[0]}`;

runMain(
  async (argv) => {
    const [command, ...rest] = argv;
    switch (command) {
      case 'collector':
        return collectorCommand(rest);
      case 'agent':
        return agentCommand(rest);
      case 'top':
        return topCommand(rest);
      case 'demo':
        return demoCommand(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        console.log(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}' (try --help)`);
    }
  },
  { name: 'telemetry' },
);
