/** Bench target (its own process): our collector on a given port, answering status requests over IPC. */
import { createServer } from '../src/server.ts';

const [port, receiveBuffer] = process.argv.slice(2).map(Number);
const collector = createServer({
  port,
  receiveBuffer,
  http: false,
  intervalMs: 10_000,
  onLog: (l) => console.error(l),
});
await collector.listen();
process.on('message', (message) => {
  if (message === 'status') process.send?.(collector.status());
  if (message === 'stop') collector.close().then(() => process.disconnect());
});
process.send?.('ready');
