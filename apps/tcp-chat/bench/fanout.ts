/** Fan-out bench: 100 clients in one room at rising send rates, tcp-chat vs ngircd, same run. */
import { startNgircd } from '@netlab/peers';
import { runLoadgen, startChatServer } from './spawn.ts';
import { rssOf } from './stats.ts';

export interface Point {
  rate: number;
  deliveredPerSec: number;
  p50: number;
  p99: number;
  rssMiB: number;
}

const fmt = (p: Point) =>
  `rate ${String(p.rate).padStart(6)}/s  delivered ${String(p.deliveredPerSec).padStart(9)}/s  ` +
  `p50 ${p.p50.toFixed(1).padStart(7)} ms  p99 ${p.p99.toFixed(1).padStart(7)} ms  rss ${p.rssMiB.toFixed(0)} MiB`;

async function sweep(
  name: string,
  port: number,
  pid: number,
  mode: string,
  rates: number[],
  o: { clients: number; seconds: number },
) {
  const points: Point[] = [];
  for (const rate of rates) {
    const r = await runLoadgen([
      '--mode',
      mode,
      '--port',
      String(port),
      '--clients',
      String(o.clients),
      '--rate',
      String(rate),
      '--seconds',
      String(o.seconds),
    ]);
    const p = {
      rate,
      deliveredPerSec: r.deliveredPerSec!,
      p50: r.p50!,
      p99: r.p99!,
      rssMiB: rssOf(pid) / 2 ** 20,
    };
    console.log(`fanout ${name.padEnd(8)} ${fmt(p)}`);
    points.push(p);
  }
  return points;
}

/** Runs both sweeps and prints the ratio lines; returns nothing, prints everything. */
export async function fanoutBench(
  rates: number[],
  clients: number,
  seconds: number,
): Promise<void> {
  console.log(`fan-out: ${clients} clients in one room, ${seconds} s per point (+1 s warm-up)`);
  const chat = await startChatServer([
    '--rate',
    '0',
    '--max-queue',
    String(8 << 20),
    '--max-per-ip',
    '100000',
    '--max-connections',
    '100000',
  ]);
  let ours: Point[];
  try {
    ours = await sweep('tcp-chat', chat.port, chat.child.pid!, 'chat', rates, { clients, seconds });
  } finally {
    await chat.stop();
  }
  const irc = await startNgircd();
  let theirs: Point[];
  try {
    theirs = await sweep('ngircd', irc.port, irc.pid, 'irc', rates, { clients, seconds });
  } finally {
    await irc.stop();
  }
  const best = (ps: Point[]) => Math.max(...ps.map((p) => p.deliveredPerSec));
  console.log(
    `fanout max delivered/s: tcp-chat ${best(ours)}  ngircd ${best(theirs)}  ratio ${(best(ours) / best(theirs)).toFixed(2)}x`,
  );
  for (const [i, o] of ours.entries()) {
    const t = theirs[i]!;
    console.log(
      `fanout p99 at ${o.rate}/s: tcp-chat ${o.p99.toFixed(1)} ms  ngircd ${t.p99.toFixed(1)} ms  ratio ${(t.p99 / o.p99).toFixed(2)}x lower`,
    );
  }
}
