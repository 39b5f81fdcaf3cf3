/** A log that says at most `limit` things per window, then how many it kept quiet about. */

export class RateLimitedLog {
  private windowStart = 0;
  private said = 0;
  private suppressed = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly limit = 5,
    private readonly windowMs = 10_000,
  ) {}

  log(line: string, now = Date.now()) {
    if (now - this.windowStart >= this.windowMs) {
      if (this.suppressed > 0) this.write(`(${this.suppressed} similar messages suppressed)`);
      this.windowStart = now;
      this.said = 0;
      this.suppressed = 0;
    }
    if (this.said < this.limit) {
      this.said++;
      this.write(line);
    } else this.suppressed++;
  }
}
