/** Cluster bench: the fan-out shape on one server, then on two server processes sharing Redis. */
import { startRedis } from '@netlab/peers';
import { formatDrops, kicksOf, kicksSince } from './kicks.ts';
import { runLoadgen, startChatServer } from './spawn.ts';
import { cpuOf } from './usage.ts';

interface Point {
  deliveredPerSec: number;
  p99: number;
  /** Clients the servers dropped as slow consumers (then deliveries are undercounted). */
  lost: number;
  /** Clients the servers kicked during the point, by reason code. */
  kicks: Map<string, number>;
  /** CPU seconds during the point: the chat servers together, Redis, the load generator. */
  serverCpu: number;
  redisCpu: number;
  loadCpu: number;
  wall: number;
}

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1).padStart(7)} ms` : '    n/a   ');

/**
 * One result line. CPU is in cores (CPU seconds per wall second) over the point; the cost
 * per delivery divides the servers' and Redis' CPU by the lines delivered in the warm-up
 * and the measurement (an estimate: the tail second delivers only what was in flight).
 */
function line(name: string, rate: number, p: Point, seconds: number): string {
  const cores = (cpu: number) => (cpu / p.wall).toFixed(2);
  const share = p.redisCpu / (p.redisCpu + p.serverCpu);
  const perDelivery = ((p.serverCpu + p.redisCpu) / (p.deliveredPerSec * (seconds + 1))) * 1e6;
  return (
    `cluster ${name.padEnd(8)} rate ${String(rate).padStart(6)}/s  delivered ${String(p.deliveredPerSec).padStart(9)}/s  ` +
    `p99 ${ms(p.p99)}  cores: servers ${cores(p.serverCpu)} redis ${cores(p.redisCpu)} (${(share * 100).toFixed(0)}%) ` +
    `loadgen ${cores(p.loadCpu)}  ~${Number.isFinite(perDelivery) ? perDelivery.toFixed(2) : 'n/a'} us CPU/delivery` +
    `  ${formatDrops(p.kicks, p.lost)}`
  );
}

/**
 * Runs one rate against `ports`. CPU is read from the moment every client is connected (the
 * load generator waits for our go) to the end of its run: warm-up, measurement, tail.
 */
async function point(
  ports: number[],
  pids: number[],
  redisPid: number,
  rate: number,
  clients: number,
  seconds: number,
): Promise<Point> {
  const cpu = () => pids.reduce((sum, pid) => sum + cpuOf(pid), 0);
  let start = { server: 0, redis: 0, t: 0 };
  const before = await Promise.all(ports.map(kicksOf));
  const args = ['--mode', 'chat', '--port', ports.join(','), '--clients', String(clients)];
  const run = [...args, '--rate', String(rate), '--seconds', String(seconds), '--wait-go'];
  const r = await runLoadgen(run, async () => {
    start = { server: cpu(), redis: cpuOf(redisPid), t: performance.now() };
  }).catch((err: Error) => {
    console.log(`cluster rate ${rate}/s failed: ${err.message}`);
    return { deliveredPerSec: 0, p99: Number.NaN, lost: clients, cpuSeconds: Number.NaN };
  });
  const p: Point = {
    deliveredPerSec: Math.max(0, r.deliveredPerSec!),
    p99: r.p99 ?? Number.NaN,
    lost: r.lost ?? 0,
    kicks: kicksSince(before, await Promise.all(ports.map(kicksOf))),
    serverCpu: cpu() - start.server,
    redisCpu: cpuOf(redisPid) - start.redis,
    loadCpu: r.cpuSeconds ?? Number.NaN,
    wall: (performance.now() - start.t) / 1000,
  };
  await new Promise((done) => setTimeout(done, 1000)); // let the servers finish with this run
  return p;
}

/**
 * Three set-ups in one run, each through the real CLI in its own process: one server alone
 * (the in-process bus), one server with --redis, two servers with --redis (clients split
 * between them, all in one room). The scaling factor compares the best delivered/s.
 */
export async function clusterBench(
  rates: number[],
  clients: number,
  seconds: number,
): Promise<void> {
  console.log(
    `cluster: ${clients} clients in one room, ${seconds} s per point; 1 server vs 2 server processes sharing Redis`,
  );
  const redis = await startRedis();
  const cap = String(clients * 10);
  const flags = ['--rate', '0', '--max-per-ip', cap, '--max-connections', cap];
  const setups = [
    { name: '1 server', n: 1, extra: [] as string[] },
    { name: '1+redis', n: 1, extra: ['--redis', redis.url] },
    { name: '2+redis', n: 2, extra: ['--redis', redis.url] },
  ];
  const best = new Map<string, Point>();
  try {
    for (const setup of setups) {
      const servers = await Promise.all(
        Array.from({ length: setup.n }, () => startChatServer([...flags, ...setup.extra])),
      );
      try {
        const ports = servers.map((s) => s.port);
        const pids = servers.map((s) => s.child.pid!);
        for (const rate of rates) {
          const p = await point(ports, pids, redis.pid, rate, clients, seconds);
          console.log(line(setup.name, rate, p, seconds));
          if (p.deliveredPerSec > (best.get(setup.name)?.deliveredPerSec ?? -1))
            best.set(setup.name, p);
        }
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    }
  } finally {
    await redis.stop();
  }
  const [one, oneRedis, two] = setups.map((s) => best.get(s.name)!);
  const factor = (x: Point, y: Point) => (x.deliveredPerSec / y.deliveredPerSec).toFixed(2);
  console.log(
    `cluster max delivered/s: 1 server ${one!.deliveredPerSec}  1+redis ${oneRedis!.deliveredPerSec}  2+redis ${two!.deliveredPerSec}  ` +
      `scaling 2+redis/1 server ${factor(two!, one!)}x  2+redis/1+redis ${factor(two!, oneRedis!)}x`,
  );
  const share = two!.redisCpu / (two!.redisCpu + two!.serverCpu);
  console.log(
    `cluster redis CPU at the 2-server best point: ${(two!.redisCpu / two!.wall).toFixed(2)} cores, ${(share * 100).toFixed(0)}% of servers+redis CPU`,
  );
}
