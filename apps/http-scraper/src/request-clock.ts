/** A request's own clocks: the headers timeout and the whole-response deadline, which undici's silence timers are not. */
import { CrawlError, toCrawlError } from './errors.ts';

/**
 * The two clocks of one request. undici's own timeouts tick on a coarse ~0.5 s clock (cheap
 * for thousands of sockets) and count silence only: a server sending a byte a second never
 * trips them. So, timers of our own: the headers timeout, cleared once headers come, and the
 * deadline for the whole response. Either aborts the request, which also destroys a body
 * being read; `failure` then says which one it was.
 */
export class RequestClock {
  readonly #controller = new AbortController();
  #expired: 'headers' | 'deadline' | undefined;
  readonly #headers: NodeJS.Timeout;
  readonly #deadline: NodeJS.Timeout;

  constructor(
    readonly url: string,
    readonly headersMs: number,
    readonly deadlineMs: number,
  ) {
    this.#deadline = setTimeout(() => this.#expire('deadline'), deadlineMs);
    this.#headers = setTimeout(() => this.#expire('headers'), headersMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  #expire(which: 'headers' | 'deadline'): void {
    this.#expired ??= which;
    this.#controller.abort();
  }

  headersCame(): void {
    clearTimeout(this.#headers);
  }

  stop(): void {
    clearTimeout(this.#headers);
    clearTimeout(this.#deadline);
  }

  /** What a failure means: a clock that ran out, else what undici or the body reader threw. */
  failure(error: unknown): CrawlError {
    const { url } = this;
    if (this.#expired === 'deadline') {
      const message = `${url}: no whole response within ${this.deadlineMs} ms`;
      return new CrawlError('ERR_DEADLINE', message, { cause: error });
    }
    if (this.#expired === 'headers') {
      const message = `${url}: no response headers within ${this.headersMs} ms`;
      return new CrawlError('ERR_HEADERS_TIMEOUT', message, { cause: error });
    }
    return toCrawlError(error, url);
  }
}
