/** The `fixture` command: serves the deterministic test site until SIGINT or SIGTERM. */
import { parseEndpoint, parsePort } from '@netlab/addressing/endpoint';
import { parseCommandLine, parseInteger, UsageError, userPath } from '@netlab/cli';
import { FIXTURE_HELP } from './help.ts';

export async function fixtureCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      pages: { type: 'string' },
      'crawl-delay': { type: 'string' },
      'no-extras': { type: 'boolean' },
      slow: { type: 'string' },
      log: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(FIXTURE_HELP);
    return 0;
  }
  const endpoint = parseEndpoint(values.host ?? '127.0.0.1', {
    defaultPort: parsePort(values.port ?? '8080'),
  });
  const delay = Number(values['crawl-delay'] ?? 0);
  if (!(delay >= 0))
    throw new UsageError(`--crawl-delay takes seconds, not '${values['crawl-delay']}'`);
  const { appendFileSync } = await import('node:fs');
  const { createFixtureServer } = await import('./fixture/server.ts');
  const logFile = values.log === undefined ? undefined : userPath(values.log);
  const fixture = createFixtureServer({
    pages: parseInteger('--pages', values.pages ?? '100', { min: 1 }),
    crawlDelay: delay,
    extras: values['no-extras'] !== true,
    slowMs: parseInteger('--slow', values.slow ?? '300'),
    log: false,
    ...(logFile ? { onLog: (entry) => appendFileSync(logFile, `${JSON.stringify(entry)}\n`) } : {}),
  });
  const origin = await fixture.listen(endpoint.host, endpoint.port);
  process.stdout.write(`${origin}/\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve).once('SIGTERM', resolve);
  });
  await fixture.close();
  return 0;
}
