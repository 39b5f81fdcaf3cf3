/** Load generator (its own process): N clients in rooms, each sending at a fixed rate; prints JSON. */
import { parseArgs } from 'node:util';
import { type BenchClient, chatClient, ircClient, type Tally } from './peers.ts';
import { percentile, Reservoir } from './stats.ts';

const { values: a } = parseArgs({
  options: {
    mode: { type: 'string', default: 'chat' }, // chat | irc
    // One port, or several (a,b): each room's members take the ports in turn.
    port: { type: 'string' },
    clients: { type: 'string', default: '100' },
    rooms: { type: 'string', default: '1' },
    rate: { type: 'string', default: '10000' }, // messages sent per second, all clients together
    seconds: { type: 'string', default: '3' },
    observers: { type: 'string', default: '4' },
    'wait-go': { type: 'boolean', default: false },
  },
});
const ports = String(a.port).split(',').map(Number);
const n = Number(a.clients);
const roomCount = Number(a.rooms);
const rate = Number(a.rate);
const observers = Number(a.observers);
const tally: Tally & { echoes: number } = {
  delivered: 0,
  counting: false,
  timing: false,
  latency: new Reservoir(),
  lost: 0,
  echoes: 0,
};
const roomOf = (i: number) => `#bench${i % roomCount}`;
/** Nicks unique per run: a server may still be cleaning up the previous run's clients. */
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nickOf = (i: number) => `b${process.pid % 100_000}_${i}`;

async function connectAll(): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  // Observers spread over rooms: the first `observers` clients, i % rooms picks their room.
  for (let start = 0; start < n; start += 500) {
    const batch = [];
    for (let i = start; i < Math.min(n, start + 500); i++) {
      const observer = i < observers;
      const port = ports[Math.floor(i / roomCount) % ports.length]!;
      const open = () =>
        a.mode === 'irc'
          ? ircClient(port, nickOf(i), roomOf(i), observer, tally)
          : chatClient(port, nickOf(i), [roomOf(i)], observer, tally);
      // A server still busy with the previous run may reset a new connection: try again.
      batch.push(open().catch(() => delay(500).then(open)));
    }
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

/** Not measured: the rate ramps up over it, then holds. */
const WARM_UP_MS = 1000;
/**
 * Lines due `ms` into the run: the rate climbs linearly to `rate` over the warm-up, then holds.
 * From a standing start at full rate, this process, still cold (JIT, first reads), fell behind
 * and caught up in bursts of up to 1.3x the rate; at 70,000-80,000 lines/s such a burst could
 * outrun its own reading and fill every client's outbound queue on the server, and all 100
 * were kicked as slow consumers. Runs that delivered nothing at all that way: 1 of 4 at
 * 70,000/s and 3 of 4 at 80,000/s from a standing start; none of 4 at either with the ramp.
 */
const dueBy = (ms: number) =>
  ms < WARM_UP_MS
    ? (rate * ms * ms) / (2 * WARM_UP_MS * 1000)
    : (rate * (ms - WARM_UP_MS / 2)) / 1000;

/** Sends lines in 5 ms ticks, round-robin over clients, as `dueBy` says; counts what it could not send. */
function drive(clients: BenchClient[], ms: number): Promise<{ sent: number; skipped: number }> {
  return new Promise((resolve) => {
    let sent = 0;
    let skipped = 0;
    let next = 0;
    const t0 = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.floor(dueBy(now - t0)) - sent - skipped;
      // A client's lines of one tick leave in one write (cork), for both servers alike: at
      // 60,000 lines/s a write per line cost the load generator more CPU than reading.
      const corked = new Set<BenchClient>();
      for (let k = 0; k < due; k++) {
        const i = next++ % clients.length;
        const client = clients[i]!;
        if (!corked.has(client)) {
          client.socket.cork();
          corked.add(client);
        }
        if (client.send(roomOf(i), performance.now())) sent++;
        else skipped++;
        if (tally.counting && i >= observers && a.mode !== 'irc') tally.echoes++;
      }
      for (const client of corked) client.socket.uncork();
      if (now - t0 >= ms) {
        clearInterval(timer);
        resolve({ sent, skipped });
      }
    }, 5);
  });
}

async function main(): Promise<void> {
  const clients = await connectAll();
  console.log(JSON.stringify({ connected: clients.length }));
  if (a['wait-go']) {
    await new Promise((r) => process.stdin.once('data', r));
    process.stdin.destroy(); // or the open pipe keeps this process alive
  }
  const seconds = Number(a.seconds);
  const cpu0 = process.cpuUsage(); // from "go": warm-up, measurement and tail
  const warm = drive(clients, WARM_UP_MS + seconds * 1000);
  await new Promise((r) => setTimeout(r, WARM_UP_MS));
  tally.counting = true;
  tally.timing = true;
  const t0 = performance.now();
  const { sent, skipped } = await warm;
  tally.counting = false;
  const elapsed = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 1000)); // lines still in flight get timed
  tally.timing = false;
  const delivered = tally.delivered - tally.echoes;
  const lat = tally.latency.samples;
  console.log(
    JSON.stringify({
      mode: a.mode,
      clients: n,
      rate,
      sentPerSec: Math.round(sent / (elapsed + WARM_UP_MS / 2000)), // the ramp: half its time's worth
      skipped,
      deliveredPerSec: Math.round(delivered / elapsed),
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      samples: lat.length,
      lost: tally.lost,
      cpuSeconds: cpuSince(cpu0),
    }),
  );
  for (const c of clients) c.socket.destroy();
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

main().catch((err) => {
  console.error(`loadgen: ${err.message}`);
  process.exit(1);
});
