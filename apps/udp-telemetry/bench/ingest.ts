/** Bench: sustained StatsD ingest, our collector vs Etsy's StatsD, same receive buffer, same run. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createProgress } from '@netlab/cli';
import { cpuSeconds, udpSocket } from './procfs.ts';
import { type Kind, STATE, startTarget, type Target } from './targets.ts';

const { values } = parseArgs({
  // `pnpm bench -- --duration 1` passes the '--' on.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    duration: { type: 'string', default: '2' },
    steps: { type: 'string', default: '4' },
    rcvbuf: { type: 'string', default: String(8 * 1024 * 1024) },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: pnpm bench [-- --duration S] [--steps N] [--rcvbuf BYTES] [--json]

For 1 and 10 metrics per datagram, against our collector and Etsy's StatsD (each its own
process, both asking for the same receive buffer): a flat-out step for the maximum rate, then
N steps bisecting for the highest rate with zero loss over S seconds. Loss comes from the
kernel's drop counter of the receiver's socket (/proc/net/udp), so it is measured the same way
for both. The load generator is C (sendmmsg), a separate process.`);
  process.exit(0);
}
const duration = Number(values.duration);
const steps = Number(values.steps);
const rcvbuf = Number(values.rcvbuf);

/** Builds the C load generator once (gcc), or falls back to the Node one. */
function loadgenCommand(): (port: number, rate: number, per: number) => [string, string[]] {
  const binary = path.join(STATE, 'loadgen');
  try {
    execFileSync('gcc', ['-O2', '-o', binary, path.join(import.meta.dirname, 'loadgen.c')], {
      stdio: 'pipe',
    });
    return (port, rate, per) => [
      binary,
      [String(port), String(rate), String(duration), String(per)],
    ];
  } catch {
    if (!existsSync(binary))
      console.error(
        'bench: gcc not found, using the Node load generator (slower: it may be the limit)',
      );
    const script = path.join(import.meta.dirname, 'loadgen.ts');
    return (port, rate, per) => [
      process.execPath,
      [
        '--import',
        'tsx',
        script,
        '--port',
        String(port),
        '--rate',
        String(rate),
        '--duration',
        String(duration),
        '--per',
        String(per),
      ],
    ];
  }
}
const loadgen = loadgenCommand();

interface Generated {
  sent: number;
  rate: number;
  cpu: number;
}
interface Step {
  rate: number;
  gen: Generated;
  lost: number;
  processed: number;
  /** How long the receiver took to catch up after the generator stopped. */
  drainMs: number;
  throughput: number;
  /** CPU share of one core the receiver used over the step. */
  cpu: number;
  /** Receiver CPU microseconds per datagram handled: steady on a shared machine, unlike rates. */
  usPerDatagram: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One step: the generator runs `duration` s at `rate` (0 = flat out); then wait until drained. */
async function step(target: Target, rate: number, per: number): Promise<Step> {
  const before = udpSocket(target.port)!;
  const queueBefore = await target.backlog();
  const cpu0 = cpuSeconds(target.pid);
  const t0 = performance.now();
  const [cmd, args] = loadgen(target.port, rate, per);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  await new Promise((resolve) => child.once('exit', resolve));
  const gen = JSON.parse(out) as Generated;
  const sendEnd = performance.now();
  // Drained: nothing waits in the socket nor in the receiver's own queue (bounded wait).
  for (let i = 0; i < 500; i++) {
    const { queued } = await target.backlog();
    if (udpSocket(target.port)!.rxQueue === 0 && queued === 0) break;
    await sleep(20);
  }
  const elapsed = (performance.now() - t0) / 1000;
  const drainMs = performance.now() - sendEnd;
  const after = udpSocket(target.port)!;
  const queueAfter = await target.backlog();
  const lost = after.drops - before.drops + queueAfter.queueDropped - queueBefore.queueDropped;
  const processed = gen.sent - lost;
  const cpu = cpuSeconds(target.pid) - cpu0;
  return {
    rate,
    gen,
    lost,
    processed,
    drainMs,
    throughput: processed / elapsed,
    cpu: cpu / elapsed,
    usPerDatagram: (cpu * 1e6) / processed,
  };
}

interface Result {
  kind: Kind;
  per: number;
  rcvbuf: number;
  max: Step;
  zeroLoss: Step | undefined;
  generatorLimited: boolean;
}

async function measure(kind: Kind, per: number, onStep: () => void): Promise<Result> {
  const target = await startTarget(kind, rcvbuf);
  try {
    await step(target, 5000, per); // warm-up: JIT, caches, series created
    const max = await step(target, 0, per);
    onStep();
    let lo = 0;
    let hi = max.throughput * 1.15;
    let zeroLoss: Step | undefined;
    let generatorLimited = false;
    let rate = max.throughput * 0.75;
    for (let i = 0; i < steps && kind !== 'bare'; i++) {
      const s = await step(target, Math.round(rate), per);
      onStep();
      const reached = s.gen.rate >= rate * 0.97;
      if (!reached) generatorLimited = true;
      // Sustained, not just buffered: no loss, and caught up within 10 % of the step after it.
      if (s.lost === 0 && reached && s.drainMs <= duration * 100) {
        lo = rate;
        zeroLoss = s;
      } else hi = rate;
      rate = (lo + hi) / 2;
    }
    return { kind, per, rcvbuf: target.rcvbuf, max, zeroLoss, generatorLimited };
  } finally {
    await target.stop();
  }
}

const k = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`);
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;

const plan: [Kind, number][] = [
  ['bare', 1],
  ['statsd', 1],
  ['ours', 1],
  ['statsd', 10],
  ['ours', 10],
];
const progress = createProgress({
  label: 'bench steps',
  total: plan.reduce((n, [kind]) => n + (kind === 'bare' ? 1 : 1 + steps), 0),
});
const results: Result[] = [];
for (const [kind, per] of plan) results.push(await measure(kind, per, () => progress.tick()));
progress.done();

if (values.json) {
  console.log(JSON.stringify(results));
} else {
  console.log(
    `udp-telemetry ingest bench: ${duration} s steps, receive buffer asked ${rcvbuf} B (granted: ${results
      .map((r) => `${r.kind} ${r.rcvbuf}`)
      .filter((v, i, a) => a.indexOf(v) === i)
      .join(', ')})`,
  );
  for (const r of results) {
    const z = r.zeroLoss;
    const zero = z
      ? `zero-loss ${k(z.rate)} dgram/s ${k(z.rate * r.per)} metrics/s cpu ${pct(z.cpu)}`
      : r.kind === 'bare'
        ? 'zero-loss (not searched)'
        : 'zero-loss none found';
    const m = r.max;
    console.log(
      `${r.kind.padEnd(6)} ${String(r.per).padStart(2)}/dgram  ${zero.padEnd(52)}| max ${k(m.throughput)} dgram/s ${k(m.throughput * r.per)} metrics/s loss ${((100 * m.lost) / m.gen.sent).toFixed(1)}% cpu ${pct(m.cpu)} ${m.usPerDatagram.toFixed(2)} us/dgram | generator ${k(m.gen.rate)} dgram/s cpu ${pct(m.gen.cpu)}${r.generatorLimited ? ' (generator fell short of a target rate)' : ''}`,
    );
  }
  const get = (kind: Kind, per: number) => results.find((r) => r.kind === kind && r.per === per)!;
  const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a');
  const z = (kind: Kind, per: number) => (get(kind, per).zeroLoss?.rate ?? 0) * per;
  console.log(
    `ratio ours/statsd zero-loss, 1 metric/datagram:   ${ratio(z('ours', 1), z('statsd', 1))} datagrams/s (goal >= 1.25x)`,
  );
  console.log(
    `ratio ours/statsd zero-loss, 10 metrics/datagram: ${ratio(z('ours', 10), z('statsd', 10))} metrics/s (goal >= 2.5x)`,
  );
  console.log(
    `ratio ours/statsd max rate, 1 / 10 per datagram:  ${ratio(get('ours', 1).max.throughput, get('statsd', 1).max.throughput)} / ${ratio(get('ours', 10).max.throughput, get('statsd', 10).max.throughput)}`,
  );
  console.log(
    `ratio ours/bare-node max rate, 1 metric/datagram: ${ratio(get('ours', 1).max.throughput, get('bare', 1).max.throughput)}`,
  );
  const us = (kind: Kind, per: number) => get(kind, per).max.usPerDatagram;
  console.log(
    `ratio statsd/ours CPU per datagram, 1 / 10 per datagram: ${ratio(us('statsd', 1), us('ours', 1))} / ${ratio(us('statsd', 10), us('ours', 10))} (bare node: ${us('bare', 1).toFixed(2)} us)`,
  );
  for (const r of results) {
    if (r.max.gen.rate <= r.max.throughput * 1.05)
      console.log(
        `warning: ${r.kind} ${r.per}/dgram: the generator sent no faster than the receiver took; it may be the limit`,
      );
  }
}
