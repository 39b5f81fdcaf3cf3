/** Progress on stderr: a redrawn bar with rate and ETA on a TTY, plain periodic lines elsewhere. */
import type { Writable } from 'node:stream';

/** Options for {@link createProgress}. */
export interface ProgressOptions {
  /** What is being counted, printed first (`crawl`, `put big.iso`). */
  label: string;
  /** The expected total, when known; without it there is no bar, percentage or ETA. */
  total?: number;
  /** `count` prints plain numbers, `bytes` prints KiB/MiB/GiB. */
  unit?: 'count' | 'bytes';
  /** Where to write (default `process.stderr`). */
  stream?: Writable;
  /** Whether to draw a bar (default: the stream is a TTY). */
  tty?: boolean;
  /** Milliseconds between plain lines when not a TTY (default 5000). */
  intervalMs?: number;
  /** The clock, for tests (default `performance.now`). */
  now?: () => number;
  /**
   * The amounts as text, in place of `done/total`: for work with more than one count, such as
   * a crawl whose total grows as pages link to more (`12 done, 30 queued, 1 failed,`).
   */
  detail?: (done: number, total: number | undefined) => string;
}

/** A running progress display; see {@link createProgress}. */
export interface Progress {
  /** Adds `n` (default 1) to the amount done. */
  tick(n?: number): void;
  /** Sets the amount done, and the total when it has become known or changed. */
  update(done: number, total?: number): void;
  /** Prints a line of its own without tearing the bar. */
  log(line: string): void;
  /** Prints the final state (unless the last plain line shows it already) and stops redrawing. */
  done(): void;
}

const BAR_WIDTH = 24;

/**
 * Starts a progress display for long work.
 *
 * @param options Label, total, unit and stream.
 * @returns The display; call `done()` when the work ends.
 * @example
 * const progress = createProgress({ label: 'get backup.tar', total: size, unit: 'bytes' });
 * stream.on('data', (chunk) => progress.tick(chunk.length));
 * stream.on('end', () => progress.done());
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? (stream as { isTTY?: boolean }).isTTY === true;
  const interval = tty ? 100 : (options.intervalMs ?? 5000);
  const now = options.now ?? (() => performance.now());
  const started = now();
  let total = options.total;
  let done = 0;
  let lastDraw = -Infinity;
  let drawnHead: string | undefined;
  let finished = false;

  // The line is a head (label, bar, percentage, amounts) and a tail (rate, ETA) that moves
  // with the clock alone.
  const head = (): string => {
    const parts = [options.label];
    const amounts = options.detail?.(done, total);
    if (total !== undefined && total > 0) {
      const fraction = Math.min(done / total, 1);
      if (tty) {
        const filled = Math.round(fraction * BAR_WIDTH);
        parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`);
      }
      // Rounded down: 100% only once everything is done.
      parts.push(`${Math.floor(fraction * 100)}%`, amounts ?? `${amount(done)}/${amount(total)}`);
    } else {
      parts.push(amounts ?? amount(done));
    }
    return parts.join(' ');
  };
  const render = (): string => {
    const seconds = Math.max((now() - started) / 1000, 1e-3);
    const rate = done / seconds;
    const parts = [head(), `${amount(rate)}/s`];
    if (total !== undefined && rate > 0 && done < total) {
      parts.push(`ETA ${duration((total - done) / rate)}`);
    }
    return parts.join(' ');
  };
  const amount = (n: number): string => (options.unit === 'bytes' ? bytes(n) : count(n));

  const draw = (force: boolean): void => {
    if (finished) return;
    const t = now();
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    drawnHead = head();
    stream.write(tty ? `\r\u001b[2K${render()}` : `${render()}\n`);
  };

  return {
    tick(n = 1) {
      done += n;
      draw(false);
    },
    update(value, newTotal) {
      done = value;
      if (newTotal !== undefined) total = newTotal;
      draw(false);
    },
    log(line) {
      stream.write(tty ? `\r\u001b[2K${line}\n` : `${line}\n`);
      if (tty && !finished) stream.write(render());
    },
    done() {
      // A plain line already showing the final amounts is not printed again (a log keeps
      // every line); a bar is redrawn so it ends on the final rate.
      if (tty || head() !== drawnHead) draw(true);
      if (tty) stream.write('\n');
      finished = true;
    },
  };
}

function count(n: number): string {
  return n >= 100 || Number.isInteger(n) ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

/**
 * Formats a byte count with binary units (`1.5 MiB`).
 *
 * @param n A number of bytes.
 * @returns The count with one decimal and a unit.
 */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Formats seconds as `m:ss` or `h:mm:ss`.
 *
 * @param seconds A duration in seconds.
 * @returns The clock-style text.
 */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
