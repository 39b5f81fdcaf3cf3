/** `telemetry agent`: sample this host every interval and send it to a collector (or any StatsD). */
import { parseCommandLine, parseInteger, UsageError } from '@netlab/cli';
import { DEFAULT_MTU, DEFAULT_PORT } from './defaults.ts';
import { parseDuration, parseSize } from './duration.ts';
import { hostOption, portOption } from './endpoints.ts';
import { TelemetryError } from './errors.ts';
import { AGENT_HELP } from './help.ts';

export async function agentCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      format: { type: 'string' },
      interval: { type: 'string' },
      count: { type: 'string' },
      mtu: { type: 'string' },
      prefix: { type: 'string' },
      source: { type: 'string' },
      json: { type: 'boolean' },
      trace: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(AGENT_HELP);
    return 0;
  }
  const format = values.format ?? 'msgpack';
  if (format !== 'msgpack' && format !== 'statsd')
    throw new UsageError(`--format is msgpack or statsd, not '${format}'`);
  const intervalMs = parseDuration('--interval', values.interval ?? '10s', { min: 10 });
  const count =
    values.count === undefined
      ? Number.POSITIVE_INFINITY
      : parseInteger('--count', values.count, { min: 1 });
  // Loaded only now: --help and a usage error never pay for the agent and its libraries.
  const { connect } = await import('./client.ts');
  const agent = await connect({
    host: hostOption(values.host, '127.0.0.1'),
    port: portOption(values.port, DEFAULT_PORT),
    format,
    mtu: values.mtu ? parseSize('--mtu', values.mtu, { min: 64, max: 65_507 }) : DEFAULT_MTU,
    source: values.source,
    flushMs: 0,
    hostMetrics: { intervalMs: 0, prefix: values.prefix ?? 'host.' },
    onTrace: values.trace ? (line) => console.log(line) : undefined,
  });
  console.error(
    `agent: source ${agent.source}, ${format} to port ${portOption(values.port, DEFAULT_PORT)} every ${intervalMs} ms`,
  );
  let stop = false;
  const wake: { fn?: () => void } = {};
  const onSignal = () => {
    stop = true;
    wake.fn?.();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  for (let n = 0; n < count && !stop; n++) {
    // The first sample at once; CPU % and network rates cover the time since the last one.
    if (n > 0)
      await new Promise<void>((resolve) => {
        wake.fn = resolve;
        setTimeout(resolve, intervalMs);
      });
    if (stop) break;
    agent.sampleHost();
    await agent.drained();
    const s = agent.stats;
    console.log(
      values.json
        ? JSON.stringify({ sample: n + 1, ...s })
        : `sample ${n + 1}: ${s.samples} samples in ${s.datagrams} datagrams (${s.bytes} bytes), dropped ${s.dropped}, errors ${s.errors}`,
    );
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await agent.close();
  if (agent.stats.errors > 0) {
    throw new TelemetryError(
      'ERR_SEND_FAILED',
      `${agent.stats.errors} sends failed (ICMP port unreachable: is a collector listening on port ${portOption(values.port, DEFAULT_PORT)}?)`,
    );
  }
  return 0;
}
