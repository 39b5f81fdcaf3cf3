/** The crawl's on-disk state: frontier log, commit journal and output, resumable after kill -9. */
import fs from 'node:fs';
import path from 'node:path';
import { debuglog } from 'node:util';
import { type FrontierEntry, FrontierWindow } from './frontier.ts';
import { LogFile, scanLines } from './logfile.ts';
import { SeenSet } from './seen.ts';

const debug = debuglog('http-scraper');

export type { FrontierEntry } from './frontier.ts';

/** The journal code of URLs finished for this run only (their host's robots.txt was unreachable). */
export const RETRY_NEXT_RUN = 'ERR_ROBOTS_UNREACHABLE';

export interface StoreOptions {
  /** Output file name inside the folder (`results.jsonl` or `results.csv`). */
  output: string;
  /** Written once at the start of a new output (the CSV header). */
  header?: string;
  /** URLs held in memory at most; the rest wait on disk (default 2048). */
  window?: number;
}

/**
 * Files in the state folder:
 * - `frontier.log`: `depth TAB url` per discovered URL; the line number is the URL's id. Every
 *   URL ever seen is here, so the seen set is rebuilt from it.
 * - `journal.log`: `id TAB outputEnd TAB code` per finished URL. `outputEnd` is the output's
 *   length once that page's row was written: on resume the output is cut back to the last
 *   committed length, so a row is never written twice nor lost.
 * Writes go in that order (frontier, output, journal): a journal line never refers to data
 * that is not already in the page cache, which is all a kill -9 needs.
 */
export class CrawlStore {
  readonly seen = new SeenSet();
  /** URLs finished in earlier runs of this crawl (0 on a fresh start). */
  readonly resumedDone: number;
  readonly #frontier: LogFile;
  readonly #journal: LogFile;
  readonly #output: LogFile;
  #done = new Uint8Array(1024);
  #total = 0; // frontier lines (ids 0..total-1)
  #doneCount = 0;
  readonly #window: FrontierWindow;
  #lastSync = performance.now();
  #syncing: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    options: StoreOptions,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.#frontier = new LogFile(path.join(dir, 'frontier.log'));
    this.#journal = new LogFile(path.join(dir, 'journal.log'));
    this.#output = new LogFile(path.join(dir, options.output));
    const outEnd = this.#loadJournal(options.header);
    // Rows beyond the last commit belong to pages that will be fetched again.
    if (this.#output.flushed > outEnd) this.#output.truncate(outEnd);
    if (this.#output.flushed === 0 && options.header) this.#output.append(options.header);
    this.#window = new FrontierWindow(
      this.#frontier,
      options.window ?? 2048,
      this.#loadFrontier(),
      () => this.#total,
      (id) => this.#isDone(id),
    );
    this.resumedDone = this.#doneCount;
    debug('store %s: %d urls, %d done', dir, this.#total, this.#doneCount);
  }

  /** URLs known but not finished (queued in memory, waiting on disk, or in flight). */
  get pending(): number {
    return this.#total - this.#doneCount;
  }

  get doneCount(): number {
    return this.#doneCount;
  }

  #isDone(id: number): boolean {
    return id < this.#done.length * 8 && (this.#done[id >> 3]! & (1 << (id & 7))) !== 0;
  }

  #markDone(id: number): void {
    if (id >= this.#done.length * 8) {
      const grown = new Uint8Array(Math.max(this.#done.length * 2, (id >> 3) + 1));
      grown.set(this.#done);
      this.#done = grown;
    }
    if (!this.#isDone(id)) this.#doneCount++;
    this.#done[id >> 3]! |= 1 << (id & 7);
  }

  #loadJournal(header?: string): number {
    const minimum = this.#output.flushed === 0 ? 0 : Buffer.byteLength(header ?? '');
    let outEnd = minimum;
    const entries: Array<[number, number, string]> = [];
    const end = scanLines(this.#journal, 0, (line) => {
      const [id, end, code] = line.split('\t');
      entries.push([Number(id), Number(end), code ?? '']);
    });
    if (end < this.#journal.flushed) this.#journal.truncate(end);
    // After a power cut the journal may be durable ahead of the output: trust only what the
    // output backs. (After kill -9 the page cache holds both, and every entry passes.)
    for (const [id, end, code] of entries) {
      if (end > this.#output.flushed) continue;
      outEnd = Math.max(outEnd, end);
      // RFC 9309 §2.3.1.4 disallows a host whose robots.txt is unreachable only for a while:
      // its URLs are tried again by the next run, which asks for robots.txt again.
      if (code !== RETRY_NEXT_RUN) this.#markDone(id);
    }
    return outEnd;
  }

  #loadFrontier(): { offset: number; id: number } {
    let first: { offset: number; id: number } | undefined;
    const end = scanLines(this.#frontier, 0, (line, start) => {
      const tab = line.indexOf('\t');
      this.seen.add(line.slice(tab + 1));
      if (first === undefined && !this.#isDone(this.#total))
        first = { offset: start, id: this.#total };
      this.#total++;
    });
    if (end < this.#frontier.flushed) this.#frontier.truncate(end);
    return first ?? { offset: end, id: this.#total };
  }

  /** Adds a URL unless seen; returns whether it was new. */
  add(url: string, depth: number): boolean {
    if (!this.seen.add(url)) return false;
    this.#appendFrontier(url, depth, false);
    return true;
  }

  /**
   * Records a URL that was reached and finished inside another page's fetch (a redirect
   * target), so that later links to it are recognised as seen, on this run and after a resume.
   */
  addFinished(url: string, depth: number, code: string): void {
    this.seen.add(url);
    const id = this.#appendFrontier(url, depth, true);
    this.commit(id, null, code);
  }

  #appendFrontier(url: string, depth: number, finished: boolean): number {
    const line = `${depth}\t${url}\n`;
    const id = this.#total++;
    this.#frontier.append(line);
    this.#window.appended({ id, depth, url }, Buffer.byteLength(line), finished);
    return id;
  }

  /** The next URL to crawl, or undefined when none is waiting. */
  next(): FrontierEntry | undefined {
    return this.#window.next();
  }

  /** Looks at up to `n` waiting URLs without taking them. */
  peek(n: number): FrontierEntry[] {
    return this.#window.peek(n);
  }

  /** URLs finished with RETRY_NEXT_RUN in this run: pending again for the next. */
  deferred = 0;

  /** Finishes a URL: its output row (or null) and its code, committed together. */
  commit(id: number, row: string | null, code: string): void {
    if (code === RETRY_NEXT_RUN) this.deferred++;
    if (row !== null) this.#output.append(row);
    this.#journal.append(`${id}\t${this.#output.size}\t${code}\n`);
    this.#markDone(id);
  }

  /** Writes buffered appends in commit order; every `syncMs`, makes them durable too. */
  /** Milliseconds spent in write() so far (NODE_DEBUG=http-scraper shows it). */
  writeMs = 0;

  flush(syncMs = 1000): void {
    const started = performance.now();
    this.#frontier.flush();
    this.#output.flush();
    this.#journal.flush();
    this.writeMs += performance.now() - started;
    if (this.#syncing === undefined && performance.now() - this.#lastSync >= syncMs) {
      this.#lastSync = performance.now();
      // On the thread pool, in the same order as the writes, so the crawl never waits on a disk.
      this.#syncing = (async () => {
        for (const file of [this.#frontier, this.#output, this.#journal]) await file.syncAsync();
      })()
        .catch((error) => debug('fdatasync failed: %s', (error as Error).message))
        .finally(() => {
          this.#syncing = undefined;
        });
    }
  }

  get buffered(): number {
    return this.#frontier.pendingBytes + this.#output.pendingBytes + this.#journal.pendingBytes;
  }

  /** Writes and syncs everything, then closes the files. */
  async close(): Promise<void> {
    await this.#syncing;
    for (const file of [this.#frontier, this.#output, this.#journal]) {
      file.flush();
      file.sync();
      file.close();
    }
  }
}
