/** Fan-out bench: 100 clients in one room at rising send rates, tcp-chat vs ngircd, same run. */
import { startNgircd } from '@netlab/peers';
import { formatDrops, kicksOf, kicksSince } from './kicks.ts';
import { runLoadgen, startChatServer } from './spawn.ts';
import { rssOf, settle } from './usage.ts';

interface Point {
  deliveredPerSec: number;
  p50: number;
  p99: number;
  rssMiB: number;
  lost: number;
  /** Clients our server kicked during the point, by reason code (ngircd does not say). */
  kicks?: Map<string, number>;
  /** Seconds waited before the point for both servers to go idle. */
  waited: number;
}

/** No samples (every observer was dropped) prints as n/a; JSON turns NaN into null. */
const ms = (x: number | null) =>
  Number.isFinite(x) ? `${x!.toFixed(1).padStart(7)} ms` : '    n/a   ';
const fmt = (name: string, rate: number, p: Point) =>
  `fanout ${name.padEnd(8)} rate ${String(rate).padStart(6)}/s  delivered ${String(p.deliveredPerSec).padStart(9)}/s  ` +
  `p50 ${ms(p.p50)}  p99 ${ms(p.p99)}  rss ${p.rssMiB.toFixed(0)} MiB  ${formatDrops(p.kicks, p.lost)}` +
  (p.waited >= 2 ? `  (after ${p.waited.toFixed(0)} s for both servers to go idle)` : '');

/**
 * One point, started once both servers are idle. A point that failed (the load generator
 * could not connect) is reported, not fatal.
 */
async function point(
  mode: string,
  port: number,
  pid: number,
  idle: number[],
  rate: number,
  clients: number,
  seconds: number,
): Promise<Point> {
  const waited = await settle(idle);
  const before = mode === 'chat' ? await kicksOf(port) : undefined;
  const args = ['--mode', mode, '--port', String(port), '--clients', String(clients)];
  const r = await runLoadgen([...args, '--rate', String(rate), '--seconds', String(seconds)]).catch(
    (err: Error) => {
      console.log(`fanout ${mode} rate ${rate}/s failed: ${err.message}`);
      return { deliveredPerSec: 0, p50: Number.NaN, p99: Number.NaN, lost: clients };
    },
  );
  const rssMiB = rssOf(pid) / 2 ** 20;
  const kicks = before && kicksSince([before], [await kicksOf(port)]);
  return {
    // Our echoes are estimated at send time; a server that kicked the clients delivered them
    // no such echoes, and the difference can go below zero: that is nothing delivered.
    deliveredPerSec: Math.max(0, r.deliveredPerSec!),
    p50: r.p50 ?? Number.NaN,
    p99: r.p99 ?? Number.NaN,
    rssMiB,
    lost: r.lost!,
    kicks,
    waited,
  };
}

/**
 * Both servers run side by side and each rate is measured on one, then at once on the other,
 * so both see the same machine (these machines are shared; absolute figures drift).
 */
export async function fanoutBench(
  rates: number[],
  clients: number,
  seconds: number,
): Promise<void> {
  console.log(`fan-out: ${clients} clients in one room, ${seconds} s per point (+1 s warm-up)`);
  const cap = String(clients * 10);
  // The server's defaults, except the two limits a load test must lift: the per-client rate
  // limit (20/s) and the per-IP connection cap (every bench client is 127.0.0.1).
  const chat = await startChatServer([
    '--rate',
    '0',
    '--max-per-ip',
    cap,
    '--max-connections',
    cap,
  ]);
  const irc = await startNgircd();
  const ours: Point[] = [];
  const theirs: Point[] = [];
  const both = [chat.child.pid!, irc.pid];
  try {
    for (const rate of rates) {
      ours.push(await point('chat', chat.port, chat.child.pid!, both, rate, clients, seconds));
      console.log(fmt('tcp-chat', rate, ours.at(-1)!));
      theirs.push(await point('irc', irc.port, irc.pid, both, rate, clients, seconds));
      console.log(fmt('ngircd', rate, theirs.at(-1)!));
    }
  } finally {
    await Promise.all([chat.stop(), irc.stop()]);
  }
  const best = (ps: Point[]) => Math.max(...ps.map((p) => p.deliveredPerSec));
  const ratio = best(ours) / best(theirs);
  console.log(
    `fanout max delivered/s: tcp-chat ${best(ours)}  ngircd ${best(theirs)}  ratio ${ratio.toFixed(2)}x`,
  );
  for (const [i, rate] of rates.entries()) {
    const [o, t] = [ours[i]!, theirs[i]!];
    console.log(
      `fanout p99 at ${rate}/s: tcp-chat ${ms(o.p99)}  ngircd ${ms(t.p99)}  ngircd/tcp-chat ${(t.p99 / o.p99).toFixed(2)}x`,
    );
  }
}
