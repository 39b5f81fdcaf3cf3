/** Commit batching: finished pages reach the state files within FLUSH_MS, in one write per file. */
import type { CrawlStore } from './store.ts';

/** Longest a finished page waits in memory before its commit is written. */
const FLUSH_MS = 10;

/**
 * Commits reach the files within ~10 ms (batched under load), so a kill -9 loses almost nothing
 * that was finished: at worst the pages in flight plus those last few milliseconds.
 */
export class CommitTimer {
  #soon: NodeJS.Timeout | undefined;
  #last = 0;

  constructor(
    readonly store: CrawlStore,
    readonly syncMs: number,
    /** A write failed (a full disk): the crawl must stop, not lose its commits in silence. */
    readonly onError: (error: unknown) => void,
  ) {}

  /** A page finished: write within FLUSH_MS of the last write, not at once. */
  soon(): void {
    if (this.#soon !== undefined) return;
    const wait = Math.max(0, FLUSH_MS - (performance.now() - this.#last));
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      try {
        this.now();
      } catch (error) {
        this.onError(error);
      }
    }, wait);
  }

  /** Writes what is buffered (and every `syncMs`, makes it durable). */
  now(): void {
    this.#last = performance.now();
    this.store.flush(this.syncMs);
  }

  stop(): void {
    clearTimeout(this.#soon);
  }
}
