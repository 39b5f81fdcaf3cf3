/** Test helper: the collector as its own process (its CLI), so its RSS is its own; scraping and paced sending. */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scriptNodeFlags } from '@netlab/cli';
import { processUsage } from '@netlab/peers';

const main = path.join(import.meta.dirname, 'main.ts');
/** The Node flags `pnpm collector` runs with (package.json), so the test measures that program. */
const nodeFlags = scriptNodeFlags(path.join(import.meta.dirname, '..'), 'collector');

export interface CollectorProcess {
  child: ChildProcess;
  udpPort: number;
  httpPort: number;
  /** Everything it wrote to stderr so far (warnings, bad input, evictions). */
  stderr: () => string;
  rss: () => number;
  scrape: (path?: string) => Promise<string>;
  /** The value of one line of /metrics, e.g. `telemetry_refused_samples_total{reason="byte_budget"}`. */
  value: (series: string) => Promise<number | undefined>;
  /** The values of several lines of one scrape, read only as far as the last of them (see readLines). */
  values: (series: string[]) => Promise<(number | undefined)[]>;
  stop: () => Promise<number>;
}

/** Starts `telemetry collector --port 0 --http 127.0.0.1:0 ...args` and waits for its ports. */
export async function startCollectorProcess(args: string[]): Promise<CollectorProcess> {
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      '--import',
      'tsx',
      main,
      'collector',
      '--port',
      '0',
      '--http',
      '127.0.0.1:0',
      ...args,
    ],
    { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000); // bounded
  });
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code) => resolve(code ?? -1)),
  );
  const ready = /udp 127\.0\.0\.1:(\d+), http http:\/\/127\.0\.0\.1:(\d+)/;
  for (let i = 0; i < 600 && !ready.test(stderr); i++) {
    if (child.exitCode !== null) throw new Error(`collector exited: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const match = ready.exec(stderr);
  if (!match) throw new Error(`collector did not start: ${stderr}`);
  const httpPort = Number(match[2]);
  const scrape = async (p = '/metrics') => {
    const response = await fetch(`http://127.0.0.1:${httpPort}${p}`);
    if (response.status !== 200) throw new Error(`scrape ${p}: ${response.status}`);
    return response.text();
  };
  return {
    child,
    udpPort: Number(match[1]),
    httpPort,
    stderr: () => stderr,
    rss: () => processUsage(child.pid!)?.rssBytes ?? Number.NaN,
    scrape,
    value: async (series) => (await readLines(httpPort, [series]))[0],
    values: (series) => readLines(httpPort, series),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export function seriesValue(text: string, series: string): number | undefined {
  const at = text.indexOf(`\n${series} `);
  if (at === -1) return undefined;
  const end = text.indexOf('\n', at + 1);
  return Number(text.slice(at + series.length + 2, end));
}

/**
 * Reads /metrics only until every line in `series` has been seen, then hangs up (undefined for
 * a line the body lacks). The collector's own families come first, so reading them costs it a
 * chunk or two; a whole scrape also renders the last snapshot, which after a flood of 50-tag
 * timers is megabytes made on every call, and under load made pacing loops too slow to race
 * series expiry.
 */
async function readLines(httpPort: number, series: string[]): Promise<(number | undefined)[]> {
  const found = new Map<string, number>();
  const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  if (response.status !== 200) throw new Error(`scrape /metrics: ${response.status}`);
  const decoder = new TextDecoder();
  let rest = '';
  // Leaving the loop early cancels the body: the connection closes and the collector stops.
  for await (const chunk of response.body!) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const end = text.lastIndexOf('\n'); // a line cut by the chunk waits for its end
    rest = text.slice(end + 1);
    if (end === -1) continue;
    for (const line of text.slice(0, end).split('\n'))
      for (const s of series)
        if (!found.has(s) && line.startsWith(`${s} `))
          found.set(s, Number(line.slice(s.length + 1)));
    if (found.size === series.length) break;
  }
  return series.map((s) => found.get(s));
}

/**
 * Bytes waiting in the receive queue of the UDP socket bound to `port`, from /proc/net/udp
 * (the hex after the ':' of tx_queue:rx_queue), or undefined if no such socket.
 */
export function receiveQueue(port: number): number | undefined {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1]?.endsWith(hexPort)) return Number.parseInt(cols[4]!.split(':')[1]!, 16);
  }
  return undefined;
}

/**
 * Sends datagrams in batches, each time waiting until the collector has taken everything out
 * of its socket, so the kernel's receive buffer never overflows and every count can be exact.
 * (The collector's own queue holds 65,536 datagrams, far more than a batch.)
 */
export async function sendPaced(
  collector: CollectorProcess,
  payloads: Iterable<string | Buffer>,
  batch = 100,
  /** Called after each batch is read: a place to sample RSS at its peak. */
  onBatch?: () => Promise<void>,
) {
  const socket = dgram.createSocket('udp4');
  const settle = async () => {
    for (let i = 0; i < 2000; i++) {
      if (receiveQueue(collector.udpPort) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error('the collector did not read its socket');
  };
  let sent = 0;
  try {
    for (const payload of payloads) {
      await new Promise<void>((resolve, reject) =>
        socket.send(payload, collector.udpPort, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
      if (++sent % batch === 0) {
        await settle();
        await onBatch?.();
      }
    }
    await settle();
    // Read is not yet parsed: wait for the collector's own queue to empty too.
    for (let i = 0; i < 1000 && (await collector.value('telemetry_queue_depth')) !== 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    socket.close();
  }
}

/** Polls `check` every 50 ms for at most `limitMs`; returns its last answer. */
export async function eventually<T>(
  check: () => Promise<T>,
  done: (value: T) => boolean,
  limitMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  let value = await check();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await check();
  }
  return value;
}
