/** Latency percentiles for the benches, kept light: the load generator process imports them. */

/** Percentile (0-100) of `samples`, which it sorts in place. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  samples.sort((a, b) => a - b);
  const i = Math.min(samples.length - 1, Math.max(0, Math.ceil((p / 100) * samples.length) - 1));
  return samples[i]!;
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
