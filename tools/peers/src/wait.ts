/** waitUntil: poll a condition the tests wait for, bounded, without asserting on time. */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Checks `check` every `intervalMs` until it holds or `timeoutMs` passed, then checks once
 * more; resolves with whether it held. On loopback what a test waits for (a log line, a
 * close, a count) comes within milliseconds, so the limit only bounds a wait that went wrong.
 *
 * @param check The condition; polled, so it must be cheap and must not throw.
 * @param timeoutMs The longest wait (default 10 s).
 * @param intervalMs The time between checks (default 10 ms).
 * @example
 * expect(await waitUntil(() => logs.some((e) => e.event === 'listen'))).toBe(true);
 */
export async function waitUntil(
  check: () => boolean,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(intervalMs);
  }
  return check();
}
