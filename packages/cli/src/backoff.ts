/** Retry delays: exponential, capped, with "equal jitter" so clients that failed together do not retry together. */

/** The window {@link backoffDelay} grows: from `baseMs`, doubling per attempt, up to `capMs`. */
export interface BackoffWindow {
  /** The window of the first attempt (attempt 0), in ms. */
  baseMs: number;
  /** The largest window, in ms, however many attempts failed. */
  capMs: number;
}

/**
 * The wait before retry `attempt` (0 for the first retry): the window is
 * `min(capMs, baseMs * 2^attempt)`; half of it is fixed and the other half random ("equal
 * jitter"). After a server restart, a thousand clients spread over the window instead of
 * knocking at the same millisecond, and none retries sooner than half the window.
 *
 * @param attempt How many retries came before this one.
 * @param window `baseMs` and `capMs`.
 * @param random A number in [0, 1) (default `Math.random`; tests pass a constant).
 * @returns Whole milliseconds, between half the window and the window.
 * @example
 * await setTimeout(backoffDelay(attempt++, { baseMs: 250, capMs: 10_000 }));
 */
export function backoffDelay(
  attempt: number,
  { baseMs, capMs }: BackoffWindow,
  random: () => number = Math.random,
): number {
  // 2^1024 is Infinity in a double; min() with the cap still gives the cap.
  const window = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(window / 2 + random() * (window / 2));
}
