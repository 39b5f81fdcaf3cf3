/** `telemetry collector`: listen for StatsD and our datagrams, print each flush, serve HTTP. */

import { formatEndpoint } from '@netlab/addressing/endpoint';
import { parseCommandLine, parseInteger } from '@netlab/cli';
import { DEFAULT_HTTP_PORT, DEFAULT_PORT, DEFAULT_RCVBUF } from './defaults.ts';
import { parseDuration, parseSize } from './duration.ts';
import { endpointOption, hostOption, portOption } from './endpoints.ts';
import { COLLECTOR_HELP } from './help.ts';

export async function collectorCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      http: { type: 'string' },
      interval: { type: 'string' },
      expire: { type: 'string' },
      rcvbuf: { type: 'string' },
      queue: { type: 'string' },
      'max-bytes': { type: 'string' },
      'max-sources': { type: 'string' },
      forward: { type: 'string' },
      'allow-from': { type: 'string', multiple: true },
      top: { type: 'string' },
      json: { type: 'boolean' },
      trace: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(COLLECTOR_HELP);
    return 0;
  }
  const http =
    values.http === 'off'
      ? false
      : endpointOption(
          '--http',
          values.http ?? `127.0.0.1:${DEFAULT_HTTP_PORT}`,
          DEFAULT_HTTP_PORT,
        );
  const forward =
    values.forward === undefined
      ? undefined
      : endpointOption('--forward', values.forward, DEFAULT_PORT);
  const top = parseInteger('--top', values.top ?? '20', { min: 1, max: 10_000 });
  // Loads the network math only, so a bad --allow-from is a usage error before the collector loads.
  const allowFrom = (await import('./allow-list.ts')).parseAllowFrom(values['allow-from'] ?? []);
  // Loaded only now: --help and a usage error never pay for the collector and its libraries.
  const [{ createServer }, { renderView }, { jsonChunks }] = await Promise.all([
    import('./server.ts'),
    import('./render.ts'),
    import('./json-stream.ts'),
  ]);
  const collector = createServer({
    host: hostOption(values.host, '127.0.0.1'),
    port: portOption(values.port, DEFAULT_PORT),
    http: http && { host: http.socketHost, port: http.port },
    intervalMs: parseDuration('--interval', values.interval ?? '10s', { min: 100 }),
    expireAfter: parseInteger('--expire', values.expire ?? '6', { min: 1, max: 100_000 }),
    receiveBuffer: values.rcvbuf
      ? parseSize('--rcvbuf', values.rcvbuf, { min: 4096 })
      : DEFAULT_RCVBUF,
    queueSize: parseInteger('--queue', values.queue ?? '65536', { min: 1, max: 10_000_000 }),
    limits: {
      byteBudget: parseSize('--max-bytes', values['max-bytes'] ?? '64MiB', { min: 64 * 1024 }),
    },
    maxSources: parseInteger('--max-sources', values['max-sources'] ?? '10000', {
      min: 1,
      max: 1_000_000,
    }),
    forward: forward && { host: forward.socketHost, port: forward.port },
    allowFrom,
    onTrace: values.trace ? (line) => console.log(line) : undefined,
    onLog: (line) => console.error(line),
    onFlush: (snapshot) => {
      const view = { status: collector.status(), sources: collector.sources(), snapshot };
      if (!values.json) console.log(renderView(view, top));
      // In chunks: a full collector's flush is far too big for one string.
      else for (const chunk of jsonChunks(view)) process.stdout.write(chunk);
    },
  });
  const { udp, http: web } = await collector.listen();
  const where = formatEndpoint({
    host: udp.address,
    port: udp.port,
    family: udp.family === 'IPv6' ? 'ipv6' : 'ipv4',
  });
  console.error(
    `collector: udp ${where}${web ? `, http http://${formatEndpoint({ host: web.address, port: web.port, family: web.family === 'IPv6' ? 'ipv6' : 'ipv4' })}/metrics` : ''}`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // One last flush, so nothing received before the signal goes unreported.
  collector.flush();
  await collector.close();
  return 0;
}
