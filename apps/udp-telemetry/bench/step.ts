/** One bench step: the load generator (its own process) at a rate, then wait until the receiver drained. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureGcc, processUsage } from '@netlab/peers';
import { udpSocket } from './procfs.ts';
import { STATE, type Target } from './targets.ts';

/** Which load generator a run uses, and how to start it for one step. */
export interface Loadgen {
  /** Said in the bench's first line: the Node one may be slower than the receiver it feeds. */
  name: string;
  command: (port: number, rate: number, per: number) => [string, string[]];
}

/**
 * The C load generator (`sendmmsg`: many datagrams per system call), built with the gcc that
 * `ensureGcc()` installs when missing (apt-get as root on Debian, as for the other peers). The
 * Node one is used when asked for (`node`), or when no gcc can be had: then it says why.
 */
async function loadgen(duration: number, want: 'c' | 'node'): Promise<Loadgen> {
  const args = (port: number, rate: number, per: number) =>
    [String(port), String(rate), String(duration), String(per)] as const;
  if (want === 'c') {
    try {
      const gcc = await ensureGcc();
      const binary = path.join(STATE, 'loadgen');
      mkdirSync(STATE, { recursive: true });
      execFileSync(gcc, ['-O2', '-o', binary, path.join(import.meta.dirname, 'loadgen.c')], {
        stdio: 'pipe',
      });
      return {
        name: 'C (bench/loadgen.c, sendmmsg)',
        command: (...a) => [binary, [...args(...a)]],
      };
    } catch (error) {
      const why = (error as { code?: string }).code ?? (error as Error).message.split('\n')[0];
      console.error(`bench: no C load generator (${why}); the Node one may be the limit`);
    }
  }
  const script = path.join(import.meta.dirname, 'loadgen.ts');
  return {
    name: 'Node (bench/loadgen.ts)',
    command: (port, rate, per) => {
      const [p, r, d, n] = args(port, rate, per);
      return [
        process.execPath,
        ['--import', 'tsx', script, '--port', p, '--rate', r, '--duration', d, '--per', n],
      ];
    },
  };
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
export async function stepper(duration: number, want: 'c' | 'node') {
  const generator = await loadgen(duration, want);
  return {
    generator: generator.name,
    step: (target: Target, rate: number, per: number) => step(generator, target, rate, per),
  };
}

async function step(generator: Loadgen, target: Target, rate: number, per: number): Promise<Step> {
  const before = udpSocket(target.port)!;
  const queueBefore = await target.backlog();
  // The receiver runs for the whole step, so its usage is there to read.
  const cpu0 = processUsage(target.pid)!.cpuSeconds;
  const t0 = performance.now();
  const [cmd, args] = generator.command(target.port, rate, per);
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
  const cpu = processUsage(target.pid)!.cpuSeconds - cpu0;
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
