/** The on-disk HTTP cache: validators for conditional GETs, and whole responses for --offline. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What is kept about a response besides its body. */
export interface CacheMeta {
  url: string;
  status: number;
  contentType: string;
  etag?: string;
  lastModified?: string;
  /** For redirects, so --offline can replay them. */
  location?: string;
}

export interface CacheEntry {
  meta: CacheMeta;
  body: Buffer;
}

/**
 * One file per URL, `DIR/ab/abcdef...` (SHA-1 of the URL): a JSON line with the metadata, then
 * the body. Files are written to a temporary name and renamed, so a crash leaves either the old
 * entry or the new one, never half of one.
 */
export class HttpCache {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  #file(url: string): string {
    const key = createHash('sha1').update(url).digest('hex');
    return path.join(this.dir, key.slice(0, 2), key);
  }

  get(url: string): CacheEntry | undefined {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.#file(url));
    } catch {
      return undefined;
    }
    const nl = data.indexOf(10);
    if (nl < 0) return undefined;
    try {
      const meta = JSON.parse(data.toString('utf8', 0, nl)) as CacheMeta;
      return meta.url === url ? { meta, body: data.subarray(nl + 1) } : undefined;
    } catch {
      return undefined; // a damaged entry is a miss
    }
  }

  put(meta: CacheMeta, body: Buffer | null): void {
    const file = this.#file(meta.url);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(
      temp,
      Buffer.concat([Buffer.from(`${JSON.stringify(meta)}\n`), body ?? Buffer.alloc(0)]),
    );
    fs.renameSync(temp, file);
  }
}

/** The conditional headers for a cached entry (RFC 9110 §13.1.1 and §13.1.3). */
export function conditionalHeaders(entry: CacheEntry | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (entry?.meta.etag) headers['if-none-match'] = entry.meta.etag;
  if (entry?.meta.lastModified) headers['if-modified-since'] = entry.meta.lastModified;
  return headers;
}
