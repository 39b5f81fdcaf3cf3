/** Rates measured in CPU time, so other processes on a shared machine distort them less. */

/**
 * Run `fn` `calls` times per round, interleaving contenders round by round, and keep each
 * contender's best rate in calls per CPU-second (user + system time of this process).
 * @param contenders - name -> function to call
 * @param calls - calls per round
 * @param rounds - rounds; the best is kept
 * @returns name -> calls per CPU-second
 */
export function cpuRates(
  contenders: Record<string, () => unknown>,
  calls: number,
  rounds: number,
): Record<string, number> {
  const best: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const before = process.cpuUsage();
      for (let i = 0; i < calls; i++) fn();
      const used = process.cpuUsage(before);
      const seconds = (used.user + used.system) / 1e6;
      best[name] = Math.max(best[name] ?? 0, calls / seconds);
    }
  }
  return best;
}
