/** The frontier's window in memory: the next URLs to crawl; the rest wait in frontier.log. */
import type { LogFile } from './logfile.ts';

/** A URL waiting in the frontier; `id` is its line number in frontier.log. */
export interface FrontierEntry {
  id: number;
  depth: number;
  url: string;
}

/**
 * Up to `size` entries in memory, taken in id order. While the window keeps up with the disk,
 * new entries go straight into it; once it is full they are left in the file and read back,
 * 64 KiB at a time through one kept buffer (a window of 2,048 URLs is ~150 KB of lines).
 */
export class FrontierWindow {
  #queue: FrontierEntry[] = [];
  #head = 0;
  #offset: number; // frontier.log byte offset of id #nextRead
  #nextRead: number;
  #buffer = Buffer.allocUnsafe(64 << 10); // grows for a line longer than itself

  constructor(
    readonly file: LogFile,
    readonly size: number,
    start: { offset: number; id: number },
    /** Lines in frontier.log, flushed or not (ids 0..lines-1). */
    readonly lines: () => number,
    readonly isDone: (id: number) => boolean,
  ) {
    this.#offset = start.offset;
    this.#nextRead = start.id;
  }

  /** A line of `bytes` was just appended for `entry`: kept in memory if the window is caught up. */
  appended(entry: FrontierEntry, bytes: number, finished: boolean): void {
    if (this.#nextRead !== entry.id || this.#queue.length - this.#head >= this.size) return;
    if (!finished) this.#queue.push(entry);
    this.#nextRead++;
    this.#offset += bytes;
  }

  next(): FrontierEntry | undefined {
    if (this.#head === this.#queue.length) this.#refill();
    if (this.#head === this.#queue.length) return undefined;
    const entry = this.#queue[this.#head++]!;
    // New links keep arriving at the tail while the head advances: drop the taken prefix now
    // and then, or the array would hold every entry ever queued.
    if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return entry;
  }

  peek(n: number): FrontierEntry[] {
    if (this.#head === this.#queue.length) this.#refill();
    return this.#queue.slice(this.#head, this.#head + n);
  }

  #refill(): void {
    this.#queue = [];
    this.#head = 0;
    while (this.#queue.length < this.size && this.#nextRead < this.lines()) {
      if (this.#offset >= this.file.flushed) this.file.flush();
      const n = this.file.readInto(this.#buffer, this.#offset);
      const used = this.#takeLines(this.#buffer.subarray(0, n));
      if (used > 0) this.#offset += used;
      else if (n === this.#buffer.length) this.#buffer = Buffer.allocUnsafe(n * 2);
      else return; // no complete line left on disk (cannot happen: appends are whole lines)
    }
  }

  /** Queues the lines of `chunk` up to the window; returns the bytes of the lines consumed. */
  #takeLines(chunk: Buffer): number {
    let start = 0;
    for (
      let nl = chunk.indexOf(10);
      nl >= 0 && this.#queue.length < this.size;
      nl = chunk.indexOf(10, start)
    ) {
      const line = chunk.toString('utf8', start, nl);
      const id = this.#nextRead++;
      start = nl + 1;
      if (this.isDone(id)) continue;
      const tab = line.indexOf('\t');
      this.#queue.push({ id, depth: Number(line.slice(0, tab)), url: line.slice(tab + 1) });
    }
    return start;
  }
}
