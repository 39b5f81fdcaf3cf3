/** Scale bench: 10,000 connections over 100 rooms, light traffic; RSS per connection and p99. */
import { runLoadgen, startChatServer } from './spawn.ts';
import { rssOf } from './stats.ts';

export async function scaleBench(
  connections: number,
  rooms: number,
  rate: number,
  seconds: number,
): Promise<void> {
  const cap = String(connections * 2);
  const server = await startChatServer([
    '--rate',
    '0',
    '--max-connections',
    cap,
    '--max-per-ip',
    cap,
  ]);
  try {
    await new Promise((r) => setTimeout(r, 500));
    const pid = server.child.pid!;
    const before = rssOf(pid);
    let idle = 0;
    const started = performance.now();
    let connectSeconds = 0;
    const result = await runLoadgen(
      [
        '--mode',
        'chat',
        '--port',
        String(server.port),
        '--clients',
        String(connections),
        '--rooms',
        String(rooms),
      ].concat([
        '--rate',
        String(rate),
        '--seconds',
        String(seconds),
        '--observers',
        String(rooms),
        '--wait-go',
      ]),
      async () => {
        connectSeconds = (performance.now() - started) / 1000;
        await new Promise((r) => setTimeout(r, 1000)); // let the server settle before measuring
        idle = rssOf(pid);
      },
    );
    const perConn = (idle - before) / connections / 1024;
    console.log(
      `scale ${connections} connections in ${rooms} rooms (connected in ${connectSeconds.toFixed(1)} s): ` +
        `rss ${(before / 2 ** 20).toFixed(1)} -> ${(idle / 2 ** 20).toFixed(1)} MiB = ${perConn.toFixed(1)} KiB/connection`,
    );
    console.log(
      `scale ${rate} msgs/s over ${rooms} rooms: delivered ${result.deliveredPerSec}/s  ` +
        `p50 ${Number(result.p50).toFixed(1)} ms  p99 ${Number(result.p99).toFixed(1)} ms  rss ${(rssOf(pid) / 2 ** 20).toFixed(1)} MiB`,
    );
  } finally {
    await server.stop();
  }
}
