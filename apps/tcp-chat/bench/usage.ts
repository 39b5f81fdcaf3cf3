/** Memory and CPU of the servers under test (from @netlab/peers' processUsage), and waiting for them to go idle. */
import { type ProcessUsage, processUsage } from '@netlab/peers';

/** What a server under test uses now; a point measured after it died would be meaningless. */
function usageOf(pid: number): ProcessUsage {
  const usage = processUsage(pid);
  if (!usage) throw new Error(`process ${pid} is gone: no /proc/${pid}/stat to read`);
  return usage;
}

/** Resident set size of a process in bytes (Linux). */
export function rssOf(pid: number): number {
  return usageOf(pid).rssBytes;
}

/** CPU seconds (user + system) a process has used so far (Linux). */
export function cpuOf(pid: number): number {
  return usageOf(pid).cpuSeconds;
}

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
