/** Token bucket: `rate` tokens per second refill, at most `burst` banked. */

export class TokenBucket {
  #tokens: number;
  #last: number;

  /**
   * @param rate tokens added per second; 0 disables the limit
   * @param burst bucket capacity, the largest burst allowed after a quiet spell
   * @param now clock in milliseconds (injectable so the logic is testable without sleeping)
   */
  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes one token; returns false when the bucket is empty (the caller drops the message). */
  take(): boolean {
    if (this.rate <= 0) return true;
    const t = this.now();
    // Refill lazily on use: no timer per connection, which matters at 10,000 connections.
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) * this.rate) / 1000);
    this.#last = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
