/** The crawl's progress on stderr: done, queued and failed URLs, rate and ETA. */
import { duration } from '@netlab/cli';
import type { CrawlProgress } from './options.ts';

export interface ProgressOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** A redrawn bar (default: the stream is a TTY); otherwise a plain line every `intervalMs`. */
  tty?: boolean;
  intervalMs?: number;
  now?: () => number;
}

export interface ProgressLine {
  update(progress: CrawlProgress): void;
  /** Prints a line of its own (--trace) without tearing the bar. */
  log(line: string): void;
  /** Prints the final counts and stops. */
  done(): void;
}

const BAR_WIDTH = 20;
const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * `@netlab/cli`'s createProgress draws one amount against a total; a crawl has three counts
 * that matter (done, still queued, failed), so it gets this line, drawn the same way: redrawn
 * at most 10 times a second on a TTY, a plain line every 5 s elsewhere, and always at the end.
 */
export function createCrawlProgress(options: ProgressOptions = {}): ProgressLine {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const interval = tty ? 100 : (options.intervalMs ?? 5000);
  const now = options.now ?? (() => performance.now());
  const started = now();
  let last: CrawlProgress = { done: 0, queued: 0, failed: 0 };
  let drawnAt = Number.NEGATIVE_INFINITY;
  let drawn: CrawlProgress | undefined;
  let finished = false;

  const render = ({ done, queued, failed }: CrawlProgress): string => {
    const rate = done / Math.max((now() - started) / 1000, 1e-3);
    const fraction = done + queued > 0 ? done / (done + queued) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const parts = ['crawl'];
    if (tty) parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`);
    parts.push(
      `${Math.floor(fraction * 100)}%`,
      `${count(done)} done, ${count(queued)} queued, ${count(failed)} failed,`,
      `${rate >= 100 ? count(rate) : rate.toFixed(1)}/s`,
    );
    if (queued > 0 && rate > 0) parts.push(`ETA ${duration(queued / rate)}`);
    return parts.join(' ');
  };
  const draw = (force: boolean): void => {
    const t = now();
    if (finished || (!force && t - drawnAt < interval)) return;
    drawnAt = t;
    drawn = last;
    stream.write(tty ? `\r\u001b[2K${render(last)}` : `${render(last)}\n`);
  };

  return {
    update(progress) {
      last = progress;
      draw(false);
    },
    log(line) {
      stream.write(tty ? `\r\u001b[2K${line}\n` : `${line}\n`);
      if (tty && !finished) stream.write(render(last));
    },
    done() {
      // A plain line already showing the final counts is not printed again.
      const same =
        drawn?.done === last.done && drawn.queued === last.queued && drawn.failed === last.failed;
      if (tty || !same) draw(true);
      if (tty) stream.write('\n');
      finished = true;
    },
  };
}
