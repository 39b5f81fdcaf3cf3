/** Scale bench: 10,000 connections over 100 rooms, light traffic; RSS per connection and p99. */
import { runLoadgen, startChatServer } from './spawn.ts';
import { cpuOf, rssOf } from './stats.ts';

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
    let cpu0 = { server: 0, t: 0 };
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
        cpu0 = { server: cpuOf(pid), t: performance.now() };
      },
    );
    const wall = (performance.now() - cpu0.t) / 1000;
    const serverCores = (cpuOf(pid) - cpu0.server) / wall;
    const perConn = (idle - before) / connections / 1024;
    console.log(
      `scale ${connections} connections in ${rooms} rooms (connected in ${connectSeconds.toFixed(1)} s): ` +
        `rss ${(before / 2 ** 20).toFixed(1)} -> ${(idle / 2 ** 20).toFixed(1)} MiB = ${perConn.toFixed(1)} KiB/connection`,
    );
    console.log(
      `scale ${rate} msgs/s over ${rooms} rooms: delivered ${result.deliveredPerSec}/s  ` +
        `p50 ${Number(result.p50).toFixed(1)} ms  p99 ${Number(result.p99).toFixed(1)} ms  rss ${(rssOf(pid) / 2 ** 20).toFixed(1)} MiB`,
    );
    // Where the time goes: on two shared cores, a load generator near one core means the
    // latency is partly its own (10,000 sockets to read), not only the server's.
    console.log(
      `scale cores: server ${serverCores.toFixed(2)}, load generator ${(Number(result.cpuSeconds) / wall).toFixed(2)} ` +
        `(over ${wall.toFixed(1)} s: warm-up, measurement, tail)`,
    );
  } finally {
    await server.stop();
  }
}
