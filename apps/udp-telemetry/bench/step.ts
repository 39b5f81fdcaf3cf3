/** One bench step: the load generator (its own process) at a rate, then wait until the receiver drained. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cpuSeconds, udpSocket } from './procfs.ts';
import { STATE, type Target } from './targets.ts';

/** Builds the C load generator once (gcc), or falls back to the Node one. */
function loadgenCommand(
  duration: number,
): (port: number, rate: number, per: number) => [string, string[]] {
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

export interface Generated {
  sent: number;
  rate: number;
  cpu: number;
}
export interface Step {
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
export function stepper(duration: number) {
  const loadgen = loadgenCommand(duration);
  return (target: Target, rate: number, per: number) => step(loadgen, target, rate, per);
}

async function step(
  loadgen: ReturnType<typeof loadgenCommand>,
  target: Target,
  rate: number,
  per: number,
): Promise<Step> {
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
  // The kernel's queue is read from /proc; the receiver is asked (IPC costs it CPU, which is
  // being measured) only once that queue is empty.
  for (let i = 0; i < 500; i++) {
    if (udpSocket(target.port)!.rxQueue === 0 && (await target.backlog()).queued === 0) break;
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
