/**
 * Scale bench: 10,000 connections over 100 rooms, light traffic; RSS per connection and p99.
 * Run on one server (the in-process bus), then on two server processes sharing one Redis with
 * the connections split between them (every room has members on both).
 */
import { startRedis } from '@netlab/peers';
import { runLoadgen, startChatServer } from './spawn.ts';
import { cpuOf, rssOf } from './usage.ts';

interface Setup {
  name: string;
  servers: number;
  /** The Redis the servers share (`--redis`), if any. */
  redis?: { url: string; pid: number };
}

async function scalePoint(
  setup: Setup,
  connections: number,
  rooms: number,
  rate: number,
  seconds: number,
): Promise<void> {
  const cap = String(connections * 2);
  const flags = ['--rate', '0', '--max-connections', cap, '--max-per-ip', cap];
  if (setup.redis) flags.push('--redis', setup.redis.url);
  const servers = await Promise.all(
    Array.from({ length: setup.servers }, () => startChatServer(flags)),
  );
  try {
    await new Promise((r) => setTimeout(r, 500));
    const pids = servers.map((s) => s.child.pid!);
    const sum = (f: (pid: number) => number) => pids.reduce((t, pid) => t + f(pid), 0);
    const before = sum(rssOf);
    let idle = 0;
    const started = performance.now();
    let connectSeconds = 0;
    let cpu0 = { server: 0, redis: 0, t: 0 };
    const redisCpu = () => (setup.redis ? cpuOf(setup.redis.pid) : 0);
    const result = await runLoadgen(
      [
        ...['--mode', 'chat', '--port', servers.map((s) => s.port).join(',')],
        ...['--clients', String(connections), '--rooms', String(rooms)],
        ...['--rate', String(rate), '--seconds', String(seconds)],
        ...['--observers', String(rooms), '--wait-go'],
      ],
      async () => {
        connectSeconds = (performance.now() - started) / 1000;
        await new Promise((r) => setTimeout(r, 1000)); // let the servers settle before measuring
        idle = sum(rssOf);
        cpu0 = { server: sum(cpuOf), redis: redisCpu(), t: performance.now() };
      },
    );
    const wall = (performance.now() - cpu0.t) / 1000;
    const serverCores = (sum(cpuOf) - cpu0.server) / wall;
    const perConn = (idle - before) / connections / 1024;
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    const label = `scale ${setup.name}`;
    console.log(
      `${label}: ${connections} connections in ${rooms} rooms (connected in ${connectSeconds.toFixed(1)} s): ` +
        `rss ${mib(before)} -> ${mib(idle)} MiB = ${perConn.toFixed(1)} KiB/connection`,
    );
    console.log(
      `${label}: ${rate} msgs/s over ${rooms} rooms: delivered ${result.deliveredPerSec}/s  ` +
        `p50 ${Number(result.p50).toFixed(1)} ms  p99 ${Number(result.p99).toFixed(1)} ms  rss ${mib(sum(rssOf))} MiB`,
    );
    // Where the time goes: on two shared cores, a load generator near one core means the
    // latency is partly its own (10,000 sockets to read), not only the servers'.
    const redis = setup.redis ? `, redis ${((redisCpu() - cpu0.redis) / wall).toFixed(2)}` : '';
    console.log(
      `${label}: cores: servers ${serverCores.toFixed(2)}${redis}, load generator ${(Number(result.cpuSeconds) / wall).toFixed(2)} ` +
        `(over ${wall.toFixed(1)} s: warm-up, measurement, tail)`,
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

export async function scaleBench(
  connections: number,
  rooms: number,
  rates: number[],
  seconds: number,
): Promise<void> {
  for (const rate of rates) {
    await scalePoint({ name: '1 server', servers: 1 }, connections, rooms, rate, seconds);
  }
  const redis = await startRedis();
  try {
    const setup = { name: '2+redis', servers: 2, redis };
    await scalePoint(setup, connections, rooms, Math.max(...rates), seconds);
  } finally {
    await redis.stop();
  }
}
