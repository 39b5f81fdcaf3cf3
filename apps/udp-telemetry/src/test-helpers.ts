/** Test helpers: a collector on free loopback ports, and bounded waiting for datagrams to arrive. */
import dgram from 'node:dgram';
import { type Collector, type CollectorOptions, createServer } from './server.ts';

export interface Running {
  collector: Collector;
  port: number;
  httpPort: number;
  logs: string[];
  traces: string[];
}

/** A collector on 127.0.0.1 (or `host`) port 0, HTTP on port 0, flushed only by the test. */
export async function startCollector(options: CollectorOptions = {}): Promise<Running> {
  const logs: string[] = [];
  const traces: string[] = [];
  const collector = createServer({
    port: 0,
    http: { host: options.host ?? '127.0.0.1', port: 0 },
    intervalMs: 0,
    // Sources silent for expireAfter x 1 s are forgotten at a flush: a loaded machine must not
    // make a test's source vanish between its last datagram and the test's flush.
    expireAfter: 1000,
    onLog: (line) => logs.push(line),
    onTrace: (line) => traces.push(line),
    ...options,
  });
  const { udp, http } = await collector.listen();
  return { collector, port: udp.port, httpPort: http?.port ?? 0, logs, traces };
}

/** The one polling wait of the tests, from the test-server tool. */
export { waitUntil } from '@netlab/peers';

/** Sends raw datagrams from a fresh socket, one after another, then closes it. */
export async function sendRaw(port: number, payloads: (string | Buffer)[], host = '127.0.0.1') {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  for (const payload of payloads) {
    await new Promise<void>((resolve, reject) =>
      socket.send(payload, port, host, (error) => (error ? reject(error) : resolve())),
    );
  }
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}
