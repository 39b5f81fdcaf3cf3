/** Append-only log files: buffered appends, line scans that survive a torn last line. */
import fs from 'node:fs';
import { CrawlError } from './errors.ts';

/**
 * An append-only file opened for reading and appending. Appends collect in memory and reach
 * the file on `flush()` (one write); `sync()` makes what was flushed durable (fdatasync).
 */
export class LogFile {
  readonly fd: number;
  /** Bytes in the file (flushed). */
  flushed: number;
  #pending: string[] = [];
  #pendingBytes = 0;

  constructor(readonly path: string) {
    this.fd = fs.openSync(
      path,
      fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND,
      0o644,
    );
    this.flushed = fs.fstatSync(this.fd).size;
  }

  /** Bytes in the file once everything appended so far is flushed. */
  get size(): number {
    return this.flushed + this.#pendingBytes;
  }

  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  append(text: string): void {
    this.#pending.push(text);
    this.#pendingBytes += Buffer.byteLength(text);
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const data = Buffer.from(this.#pending.join(''));
    this.#pending = [];
    this.#pendingBytes = 0;
    // O_APPEND: each write lands at the end even if the position moved; loop on short writes.
    try {
      for (let off = 0; off < data.length; ) off += fs.writeSync(this.fd, data, off);
    } catch (error) {
      // A full disk or an I/O error: the crawl cannot go on. What reached the file is cut
      // back on resume, as after kill -9.
      throw new CrawlError(
        'ERR_STATE_WRITE',
        `cannot write ${this.path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    this.flushed += data.length;
  }

  sync(): void {
    fs.fdatasyncSync(this.fd);
  }

  syncAsync(): Promise<void> {
    return new Promise((resolve, reject) =>
      fs.fdatasync(this.fd, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Cuts the file to `size` bytes (drops a torn tail or uncommitted rows). */
  truncate(size: number): void {
    this.flush();
    fs.ftruncateSync(this.fd, size);
    this.flushed = size;
  }

  /** Reads from `position` into `buffer` (as much as fits); returns the bytes read. */
  readInto(buffer: Buffer, position: number): number {
    return fs.readSync(this.fd, buffer, 0, buffer.length, position);
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/**
 * Calls `onLine(line, start, end)` for each complete line from `from`, in 1 MiB chunks, and
 * returns the byte offset after the last complete line: anything beyond it is a torn write
 * from a crash, for the caller to truncate.
 */
export function scanLines(
  file: LogFile,
  from: number,
  onLine: (line: string, start: number, end: number) => void,
): number {
  // One buffer for the whole scan, not one per chunk (a resume reads the whole frontier).
  const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(1 << 20, file.flushed - from)));
  let position = from;
  let carry = Buffer.alloc(0);
  let complete = from;
  while (position < file.flushed) {
    const chunk = buffer.subarray(0, file.readInto(buffer, position));
    if (chunk.length === 0) break;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const base = position - carry.length;
    let start = 0;
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
      onLine(data.toString('utf8', start, nl), base + start, base + nl + 1);
      start = nl + 1;
      complete = base + start;
    }
    carry = Buffer.from(data.subarray(start));
    position += chunk.length;
  }
  return complete;
}
