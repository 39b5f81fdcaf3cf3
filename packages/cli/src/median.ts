/** The median of a sample, the statistic the benches report run to run. */

/**
 * The middle value of a sample (the mean of the two middle values when the count is even).
 * Benches report it rather than the fastest run: on shared machines one lucky run says little.
 *
 * @param values A non-empty sample; left unsorted.
 * @returns The median.
 * @throws {RangeError} When `values` is empty.
 * @example
 * median([30, 10, 20]); // 20
 * median([4, 1, 3, 2]); // 2.5
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
