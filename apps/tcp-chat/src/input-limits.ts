/** A session's input limits: a token bucket for its rate, strikes for dropped or invalid messages, then a flood kick. */
import type { ClientMessage } from './protocol.ts';
import type { Session } from './session.ts';
import { TokenBucket } from './token-bucket.ts';

export class InputLimits {
  readonly #bucket: TokenBucket;
  /** Dropped messages spend strikes; strikes come back at one per second. Empty: flood kick. */
  readonly #strikes: TokenBucket;
  #limited = false;

  constructor(private readonly s: Session) {
    this.#bucket = new TokenBucket(s.ctx.limits.rate, s.ctx.limits.burst);
    this.#strikes = new TokenBucket(1, s.ctx.floodStrikes);
  }

  /** True when the message may run; false when the rate limit dropped it. */
  admit(msg: ClientMessage): boolean {
    if (msg.type !== 'pong' && !this.#bucket.take()) {
      this.#drop();
      return false;
    }
    this.#limited = false;
    return true;
  }

  /** Garbage that happens to frame correctly still costs a strike. */
  strike(): void {
    if (!this.#strikes.take()) this.flood();
  }

  /** Rate limit: one error frame per episode (not per dropped message), then strikes. */
  #drop(): void {
    const { s } = this;
    s.ctx.counters.drops++;
    if (!this.#limited) {
      this.#limited = true;
      const { rate, burst } = s.ctx.limits;
      s.error('ERR_RATE_LIMITED', `over ${rate} messages/s (burst ${burst}): message dropped`);
    }
    this.strike();
  }

  flood(): void {
    const { s } = this;
    s.ctx.counters.floodKicks++;
    s.kick('ERR_FLOOD', `more than ${s.ctx.floodStrikes} dropped or invalid messages`);
  }
}
