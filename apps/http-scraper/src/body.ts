/** Reading a response body within a byte limit, decompressing as it arrives (gzip, deflate, br). */
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { CrawlError, toCrawlError } from './errors.ts';
import type { BodyLimit } from './fetcher.ts';

type Headers = Record<string, string | string[] | undefined>;

function decompressor(url: string, encoding: unknown): Transform | null {
  const coding = String(encoding ?? '')
    .trim()
    .toLowerCase();
  if (coding === '' || coding === 'identity') return null;
  if (coding === 'gzip' || coding === 'x-gzip') return createGunzip();
  if (coding === 'br') return createBrotliDecompress();
  if (coding === 'deflate') return createInflate();
  throw new CrawlError('ERR_DECOMPRESS', `${url}: unsupported Content-Encoding '${coding}'`);
}

/**
 * Reads a body up to `limit.maxBytes` after decompression. Decompressing as the bytes arrive
 * stops a gzip bomb (a few KB that inflate to gigabytes) at the limit, not after it. Past the
 * limit the transfer is stopped (the connection is closed, not drained) and the read fails
 * with ERR_BODY_TOO_LARGE, or with `truncate` returns what fitted. Compressed input is bounded
 * too: deflate never grows data by more than a few bytes per 16 KiB block, so input much larger
 * than the limit cannot inflate to less (an attacker's stream of empty blocks would).
 */
export async function readBody(
  url: string,
  body: Readable,
  headers: Headers,
  limit: BodyLimit,
): Promise<{ body: Buffer; truncated: boolean }> {
  const { maxBytes: max, truncate } = limit;
  let inflate: Transform | null;
  try {
    inflate = decompressor(url, headers['content-encoding']);
  } catch (error) {
    body.destroy();
    throw error;
  }
  const declared = Number(headers['content-length']);
  if (inflate === null && declared > max && !truncate) {
    body.destroy();
    throw new CrawlError(
      'ERR_BODY_TOO_LARGE',
      `${url}: Content-Length ${declared} exceeds the limit of ${max} bytes`,
    );
  }
  const rawMax = inflate === null ? Number.POSITIVE_INFINITY : max + (max >> 6) + 65536;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let raw = 0;
    let settled = false;
    const stop = (): void => {
      body.destroy();
      inflate?.destroy();
    };
    const done = (truncated: boolean): void => {
      if (settled) return;
      settled = true;
      if (truncated) stop();
      resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), truncated });
    };
    const fail = (error: CrawlError): void => {
      if (settled) return;
      settled = true;
      stop();
      reject(error);
    };
    // Past the limit: with `truncate`, keep what fitted; else the body is too large.
    const over = (): void => {
      if (truncate) return void done(true);
      const what = inflate === null ? 'body' : 'decompressed body';
      fail(new CrawlError('ERR_BODY_TOO_LARGE', `${url}: ${what} passed ${max} bytes`));
    };
    // Events rather than `for await`: one promise per body instead of one per chunk.
    const take = (chunk: Buffer): void => {
      if (settled) return;
      const room = max - size;
      if (chunk.length <= room) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      if (truncate && room > 0) {
        chunks.push(chunk.subarray(0, room));
        size = max;
      }
      over();
    };
    body.on('error', (error) => fail(toCrawlError(error, url)));
    if (inflate === null) {
      body.on('data', take);
      body.on('end', () => done(false));
      return;
    }
    body.on('data', (chunk: Buffer) => {
      raw += chunk.length;
      if (raw > rawMax) over();
    });
    // An empty body with a Content-Encoding (a 200 with nothing in it) is empty, not corrupt.
    body.on('end', () => raw === 0 && done(false));
    inflate.on('data', take);
    inflate.on('end', () => done(false));
    inflate.on('error', (error: Error) =>
      fail(new CrawlError('ERR_DECOMPRESS', `${url}: bad compressed body`, { cause: error })),
    );
    body.pipe(inflate);
  });
}
