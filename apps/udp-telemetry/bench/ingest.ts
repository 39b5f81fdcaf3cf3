/** Bench: sustained StatsD ingest, our collector vs Etsy's StatsD, same receive buffer, same run. */
import { parseArgs } from 'node:util';
import { createProgress } from '@netlab/cli';
import { type Step, stepper } from './step.ts';
import { type Kind, startTarget, type Target } from './targets.ts';

const { values } = parseArgs({
  // `pnpm bench -- --duration 1` passes the '--' on.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    duration: { type: 'string', default: '2' },
    steps: { type: 'string', default: '6' },
    rcvbuf: { type: 'string', default: String(8 * 1024 * 1024) },
    generator: { type: 'string', default: 'c' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`Usage: pnpm bench [-- --duration S] [--steps N] [--rcvbuf BYTES] [--generator c|node] [--json]

For 1 and 10 metrics per datagram, our collector and Etsy's StatsD run side by side (each its
own process and port, both asking for the same receive buffer). Each takes a flat-out step for
its maximum rate, then they take turns, each up its own ladder of rates (from 40 % of its
flat-out rate, x1.2 per rung, at most N rungs) of S seconds each: a rung passes with no
datagram lost, the rate kept, and the backlog drained within 10 % of S. Loss comes from the
kernel's drop counter of the receiver's socket (/proc/net/udp), so it is measured the same way for both. The load generator is C (sendmmsg; gcc is installed
when missing), a separate process; --generator node uses the slower Node one. A goal line says
NOT met, and the bench exits 1, when a ratio misses its goal or the generator was the limit.`);
  process.exit(0);
}
const duration = Number(values.duration);
const steps = Number(values.steps);
const rcvbuf = Number(values.rcvbuf);
if (values.generator !== 'c' && values.generator !== 'node') {
  console.error(`bench: --generator is c or node, not '${values.generator}'`);
  process.exit(2);
}

const { generator, step } = await stepper(duration, values.generator);

interface Result {
  kind: Kind;
  per: number;
  rcvbuf: number;
  max: Step;
  /** The highest rate passed: no loss, the generator kept the rate, drained within 10 %. */
  zeroLoss: Step | undefined;
  failures: number;
  /** The first rung failed, and why. */
  failedAt: string | undefined;
  /** A rung the generator could not send at its rate: the receiver's ladder was capped by it. */
  generatorShort: boolean;
}

/** Why a rung failed, or undefined when it passed. */
function failure(s: Step): string | undefined {
  if (s.lost > 0) return `lost ${s.lost}`;
  if (s.gen.rate < s.rate * 0.97) return `generator sent only ${k(s.gen.rate)}/s`;
  if (s.drainMs > duration * 100) return `${Math.round(s.drainMs)} ms to catch up`;
  return undefined;
}

/**
 * Both receivers run side by side (each its own process, own port) and take turns, rung by
 * rung: on a shared machine the load drifts, and turns expose both to the same drift. A
 * receiver leaves its ladder after its second failed rung.
 */
async function measure(per: number, kinds: Kind[], tick: () => void): Promise<Result[]> {
  const targets: Target[] = [];
  try {
    for (const kind of kinds) targets.push(await startTarget(kind, rcvbuf));
    for (const t of targets) await step(t, 5000, per); // warm-up: JIT, caches, series created
    const results: Result[] = [];
    for (const t of targets) {
      results.push({
        kind: t.kind,
        per,
        rcvbuf: t.rcvbuf,
        max: await step(t, 0, per),
        zeroLoss: undefined,
        failures: 0,
        failedAt: undefined,
        generatorShort: false,
      });
      tick();
    }
    const ladder = results.filter((r) => r.kind !== 'bare');
    // Each climbs its own ladder from 40 % of its own flat-out rate (x1.2 per rung, so the
    // sixth rung is its flat-out rate); a shared ladder would cap the ratio it can show.
    for (let rung = 0; rung < steps && ladder.some((r) => r.failures < 2); rung++) {
      for (const r of ladder) {
        if (r.failures >= 2) continue;
        const rate = Math.round(0.4 * r.max.throughput * 1.2 ** rung);
        const s = await step(targets[results.indexOf(r)]!, rate, per);
        tick();
        const why = failure(s);
        if (s.gen.rate < s.rate * 0.97) r.generatorShort = true;
        if (why === undefined) r.zeroLoss = s;
        else {
          r.failures++;
          r.failedAt ??= `${k(s.rate)}: ${why}`;
        }
      }
    }
    return results;
  } finally {
    for (const t of targets) await t.stop();
  }
}

const k = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`);
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;

const progress = createProgress({ label: 'bench steps', total: 5 + 4 * steps });
let done = 0;
const tick = () => progress.update(++done);
const results = [
  ...(await measure(1, ['bare', 'statsd', 'ours'], tick)),
  ...(await measure(10, ['statsd', 'ours'], tick)),
];
progress.done();

if (values.json) {
  console.log(JSON.stringify({ generator, results }));
} else {
  report(results);
}

function report(results: Result[]) {
  const granted = [...new Set(results.map((r) => `${r.kind} ${r.rcvbuf}`))].join(', ');
  console.log(
    `udp-telemetry ingest bench: ${duration} s steps, receive buffer asked ${rcvbuf} B (granted: ${granted})`,
  );
  console.log(`load generator: ${generator}`);
  for (const r of results) {
    const z = r.zeroLoss;
    const zero = z
      ? `zero-loss ${k(z.rate)} dgram/s ${k(z.rate * r.per)} metrics/s cpu ${pct(z.cpu)}`
      : r.kind === 'bare'
        ? 'zero-loss (not searched)'
        : 'zero-loss: no rung passed';
    const m = r.max;
    console.log(
      `${r.kind.padEnd(6)} ${String(r.per).padStart(2)}/dgram  ${zero.padEnd(50)} | max ${k(m.throughput)} dgram/s ${k(m.throughput * r.per)} metrics/s loss ${((100 * m.lost) / m.gen.sent).toFixed(1)}% cpu ${pct(m.cpu)} ${m.usPerDatagram.toFixed(2)} us/dgram | generator ${k(m.gen.rate)} dgram/s cpu ${pct(m.gen.cpu)}${r.failedAt ? ` | first failed rung ${r.failedAt}` : ''}`,
    );
  }
  const get = (kind: Kind, per: number) => results.find((r) => r.kind === kind && r.per === per)!;
  const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a');
  const zero = (kind: Kind, per: number) => (get(kind, per).zeroLoss?.rate ?? 0) * per;
  const us = (kind: Kind, per: number) => get(kind, per).max.usPerDatagram;
  for (const [label, per, goal] of [
    ['zero-loss datagrams/s, 1 metric/datagram: ', 1, 1.25],
    ['zero-loss metrics/s, 10 metrics/datagram: ', 10, 2.5],
  ] as const) {
    const value = zero('ours', per) / zero('statsd', per);
    const limited = [get('ours', per), get('statsd', per)].filter(generatorLimited);
    const verdict =
      limited.length > 0
        ? `NOT met: the generator was the limit for ${limited.map((r) => r.kind).join(' and ')}`
        : value >= goal
          ? 'met'
          : 'NOT met';
    if (verdict !== 'met') process.exitCode = 1;
    console.log(
      `ratio ours/statsd ${label} ${ratio(zero('ours', per), zero('statsd', per))} (goal >= ${goal}x: ${verdict})`,
    );
  }
  console.log(
    `ratio ours/statsd max rate, 1 / 10 metrics/datagram:         ${ratio(get('ours', 1).max.throughput, get('statsd', 1).max.throughput)} / ${ratio(get('ours', 10).max.throughput, get('statsd', 10).max.throughput)}`,
  );
  console.log(
    `ratio statsd/ours CPU per datagram, 1 / 10 metrics/datagram: ${ratio(us('statsd', 1), us('ours', 1))} / ${ratio(us('statsd', 10), us('ours', 10))} (bare node ${us('bare', 1).toFixed(2)} us, ours ${us('ours', 1).toFixed(2)} us, statsd ${us('statsd', 1).toFixed(2)} us)`,
  );
  console.log(
    `per core (1e6 / CPU us per datagram): ours ${k(1e6 / us('ours', 1))} dgram/s at 1, ${k((10 * 1e6) / us('ours', 10))} metrics/s at 10; statsd ${k(1e6 / us('statsd', 1))} and ${k((10 * 1e6) / us('statsd', 10))}; bare node ${k(1e6 / us('bare', 1))}`,
  );
  for (const r of results) {
    if (generatorLimited(r)) {
      console.log(
        `warning: ${r.kind} ${r.per}/dgram: the generator was the limit (${r.generatorShort ? "it could not keep a rung's rate" : 'flat out, it never outran the receiver: nothing was lost'})`,
      );
    }
  }
}

/**
 * Whether the load generator, not the receiver, set this receiver's figures: flat out, it never
 * outran the receiver (loss is the proof that it did), or it could not keep a rung's rate.
 */
function generatorLimited(r: Result): boolean {
  return r.max.lost === 0 || r.max.gen.rate <= r.max.throughput * 1.05 || r.generatorShort;
}
