/** Latency percentiles and process memory for the benches. */
import { readFileSync } from 'node:fs';

/** Percentile (0-100) of `samples`, which it sorts in place. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  samples.sort((a, b) => a - b);
  const i = Math.min(samples.length - 1, Math.max(0, Math.ceil((p / 100) * samples.length) - 1));
  return samples[i]!;
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/** A bounded reservoir: keeps at most `max` samples, uniformly chosen, so memory stays flat. */
export class Reservoir {
  readonly samples: number[] = [];
  #seen = 0;

  constructor(readonly max = 200_000) {}

  add(x: number): void {
    this.#seen++;
    if (this.samples.length < this.max) this.samples.push(x);
    else {
      const j = Math.floor(Math.random() * this.#seen);
      if (j < this.max) this.samples[j] = x;
    }
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux). */
export function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime: fields 14 and 15
  return ticks / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux Node runs on (the kernel ABI fixes it for /proc). */
const CLOCK_TICKS = 100;

/**
 * Waits until none of `pids` used more than 5% of a core over half a second, or `maxMs`
 * passed; returns the seconds waited. ngircd, once overloaded, goes on at a full core for up
 * to a minute after its clients have gone (52 s after an 80,000 lines/s point), and a point
 * measured meanwhile, on either server, has one core fewer.
 */
export async function settle(pids: number[], maxMs = 120_000): Promise<number> {
  const t0 = performance.now();
  let before = pids.map(cpuOf);
  while (performance.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, 500));
    const now = pids.map(cpuOf);
    const busy = now.some((c, i) => c - before[i]! > 0.025);
    before = now;
    if (!busy) break;
  }
  return (performance.now() - t0) / 1000;
}
