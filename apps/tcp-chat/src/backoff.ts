/** Reconnect delays: exponential, capped, with jitter so clients do not return in lockstep. */

export interface BackoffOptions {
  /** First delay in ms (default 250). */
  baseMs?: number;
  /** Largest delay in ms (default 10,000). */
  capMs?: number;
  /** Attempts before giving up (default Infinity). */
  maxAttempts?: number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): half of min(cap, base * 2^attempt) plus a
 * random share of the other half ("equal jitter"). After a server restart, 1,000 clients
 * spread over the window instead of all knocking at the same millisecond.
 */
export function backoffDelay(
  attempt: number,
  { baseMs = 250, capMs = 10_000 }: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
