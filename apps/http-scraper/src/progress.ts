/** The crawl's progress on stderr: done, queued and failed URLs, rate and ETA, drawn by @netlab/cli. */
import { createProgress, type ProgressOptions } from '@netlab/cli';
import type { CrawlProgress } from './options.ts';

export interface ProgressLine {
  update(progress: CrawlProgress): void;
  /** Prints a line of its own (--trace) without tearing the bar. */
  log(line: string): void;
  /** Prints the final counts (once) and stops. */
  done(): void;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * `@netlab/cli`'s progress display with a crawl's three counts. The total is done + queued
 * and grows as pages link to more pages, so the bar can move back; the ETA is for the URLs
 * queued now.
 */
export function createCrawlProgress(
  options: Pick<ProgressOptions, 'stream' | 'tty' | 'intervalMs' | 'now'> = {},
): ProgressLine {
  let failed = 0;
  const progress = createProgress({
    ...options,
    label: 'crawl',
    detail: (done, total = done) =>
      `${count(done)} done, ${count(total - done)} queued, ${count(failed)} failed,`,
  });
  return {
    update(counts) {
      failed = counts.failed;
      progress.update(counts.done, counts.done + counts.queued);
    },
    log: (line) => progress.log(line),
    done: () => progress.done(),
  };
}
