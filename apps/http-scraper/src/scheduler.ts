/** The dispatch loop: frontier entries to host queues, then requests within every host's limits. */
import type { HostRegistry, HostState } from './hosts.ts';
import type { RetryQueue } from './retry.ts';
import type { CrawlStore, FrontierEntry } from './store.ts';

/** Hosts' waiting entries held in memory at most; the rest of the frontier stays on disk. */
const PARKED_MAX = 2048;

export interface SchedulerParts {
  store: CrawlStore;
  hosts: HostRegistry;
  retries: RetryQueue<FrontierEntry>;
  concurrency: number;
  perHost: number;
  maxPages: number;
  signal: AbortSignal | undefined;
  /** Fetches and records one URL, its host slot already claimed. */
  fetch(entry: FrontierEntry): Promise<void>;
  /** A URL that robots.txt forbids (or an unreachable robots.txt), found so when its turn came. */
  excluded(entry: FrontierEntry, host: HostState): void;
  /** After each fetch, settled or not (the commit is due). */
  settled(): void;
  /** Not a page's failure (a state write that failed, a bug): the crawl stops after it. */
  fatal(error: unknown): void;
}

/**
 * Moves URLs from the store into their hosts' queues (at most PARKED_MAX in memory) and starts
 * each when its host has a free slot (`perHost`), its gap has passed (`--delay`, Crawl-delay,
 * Retry-After) and the crawl has room (`concurrency`, `maxPages`).
 */
export class Scheduler {
  #inflight = 0;
  #parked = 0;
  #wake: (() => void) | undefined;

  constructor(readonly parts: SchedulerParts) {}

  get inflight(): number {
    return this.#inflight;
  }

  get parked(): number {
    return this.#parked;
  }

  /** Returns once nothing waits or is in flight; after an abort, once nothing is in flight. */
  async run(): Promise<void> {
    for (;;) {
      // After an abort, nothing new starts; what is in flight finishes and is committed.
      const nextAt = this.parts.signal?.aborted ? undefined : this.#dispatch();
      if (this.#inflight === 0 && nextAt === undefined) return;
      await this.#sleep(nextAt === undefined ? 1000 : Math.max(0, nextAt - performance.now()));
    }
  }

  /** Looks again at once (a fetch ended, robots.txt arrived). */
  wake(): void {
    this.#wake?.();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#wake?.(), ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  /** Starts whatever may start now; returns when something waiting becomes ready, if anything waits. */
  #dispatch(): number | undefined {
    const now = performance.now();
    // Retries whose backoff is over go first.
    const { ready, nextAt: retryAt } = this.parts.retries.due(now);
    for (const entry of ready) this.parts.hosts.of(entry.url).unshift(entry);
    this.#parked += ready.length;
    let nextAt = retryAt;
    this.#fill();
    for (const host of this.parts.hosts.values()) {
      const at = this.#startFrom(host, now);
      if (at !== undefined) nextAt = Math.min(nextAt ?? at, at);
    }
    return nextAt;
  }

  /** Starts the host's waiting entries while it and the crawl have room; returns when to look again. */
  #startFrom(host: HostState, now: number): number | undefined {
    const { concurrency, perHost } = this.parts;
    while (host.waiting > 0 && this.#inflight < concurrency && !this.#full()) {
      // A host's robots.txt is read before anything else is asked of it (RFC 9309 §2.2).
      if (host.robots === undefined) {
        if (!host.loading) {
          void this.parts.hosts.ready(host.origin).then(
            () => this.wake(),
            (e) => this.parts.fatal(e),
          );
        }
        return now + 50;
      }
      // With a delay (--delay, Crawl-delay) a host gets one request at a time, each starting
      // the delay after the one before it started and ended (HostState.settled).
      if (host.active >= (host.delayMs > 0 ? 1 : perHost)) return undefined;
      if (host.nextAt > now) return host.nextAt;
      this.#parked--;
      this.#start(host.shift()!, host, now);
    }
    return host.waiting > 0 && host.robots === undefined ? now + 50 : undefined;
  }

  // Moves entries from the store to their hosts' queues, up to the in-memory bound.
  #fill(): void {
    while (this.#parked < PARKED_MAX) {
      const entry = this.parts.store.next();
      if (entry === undefined) return;
      this.parts.hosts.of(entry.url).queue.push(entry);
      this.#parked++;
    }
  }

  #full(): boolean {
    return this.parts.store.doneCount + this.#inflight >= this.parts.maxPages;
  }

  #start(entry: FrontierEntry, host: HostState, now: number): void {
    if (!host.robots!.isAllowed(entry.url)) {
      this.parts.excluded(entry, host);
      return;
    }
    host.claim(now);
    host.active++;
    this.#inflight++;
    this.parts
      .fetch(entry)
      .catch((error) => this.parts.fatal(error))
      // The slot is given back however the fetch ended, or a host that fails would run out.
      .finally(() => {
        host.active--;
        this.#inflight--;
        this.parts.settled();
        this.wake();
      });
  }
}
