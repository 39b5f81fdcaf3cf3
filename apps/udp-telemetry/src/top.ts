/** `telemetry top`: a live view of a collector's busiest metrics and loss per source, from /api/metrics. */
import { formatEndpoint } from '@netlab/addressing/endpoint';
import { parseCommandLine, parseInteger } from '@netlab/cli';
import { DEFAULT_HTTP_PORT } from './defaults.ts';
import { parseDuration } from './duration.ts';
import { endpointOption } from './endpoints.ts';
import { TelemetryError } from './errors.ts';
import { TOP_HELP } from './help.ts';
import { renderView, type View } from './render.ts';

/** Fetches the collector's view. */
export async function fetchView(url: string): Promise<View> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new TelemetryError(
      'ERR_HTTP',
      `cannot reach the collector at ${url}: ${cause} (is 'telemetry collector' running?)`,
      { cause: error },
    );
  }
  if (!response.ok) throw new TelemetryError('ERR_HTTP', `${url} answered ${response.status}`);
  return (await response.json()) as View;
}

export async function topCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      http: { type: 'string' },
      refresh: { type: 'string' },
      count: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(TOP_HELP);
    return 0;
  }
  const endpoint = endpointOption(
    '--http',
    values.http ?? `127.0.0.1:${DEFAULT_HTTP_PORT}`,
    DEFAULT_HTTP_PORT,
  );
  const url = `http://${formatEndpoint(endpoint)}/api/metrics`;
  const refresh = parseDuration('--refresh', values.refresh ?? '1s', { min: 100 });
  const count =
    values.count === undefined
      ? Number.POSITIVE_INFINITY
      : parseInteger('--count', values.count, { min: 1 });
  const limit = parseInteger('--limit', values.limit ?? '20', { min: 1 });
  const tty = process.stdout.isTTY === true && !values.json;
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  try {
    for (let n = 0; n < count && !stop; n++) {
      if (n > 0) await new Promise((resolve) => setTimeout(resolve, refresh));
      const view = await fetchView(url);
      if (values.json) console.log(JSON.stringify(view));
      // On a terminal: home the cursor and clear the screen, then draw the frame.
      else if (tty) process.stdout.write(`\x1b[H\x1b[2J${renderView(view, limit)}\n`);
      else console.log(`${renderView(view, limit)}\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
  return 0;
}
