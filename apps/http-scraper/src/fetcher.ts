/** One HTTP GET over undici's keep-alive pools: timeouts, size limit, type filter, gzip/br/deflate. */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { CrawlError, toCrawlError } from './errors.ts';

export interface FetcherOptions {
  userAgent: string;
  /** Connections per origin (the per-host concurrency). */
  connections: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Largest body accepted, after decompression. */
  maxBodyBytes: number;
}

/** A response as the crawler needs it; the body is only read for 2xx of an accepted type. */
export interface Response {
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  body: Buffer | null;
  /** Set when a 2xx body was not read because its type is not accepted. */
  skippedType?: string;
}

export type Accept = (contentType: string) => boolean;

const ACCEPT_ENCODING = 'gzip, deflate, br';

/** Accepts `text/html`-style prefixes; an empty list accepts everything. */
export function acceptTypes(types: string[]): Accept {
  const wanted = types.map((t) => t.trim().toLowerCase()).filter(Boolean);
  return (contentType) => {
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    return (
      wanted.length === 0 ||
      wanted.some((w) => type === w || (w.endsWith('/*') && type.startsWith(w.slice(0, -1))))
    );
  };
}

export class Fetcher {
  readonly #agent: Agent;
  readonly #options: FetcherOptions;

  constructor(options: FetcherOptions) {
    this.#options = options;
    this.#agent = new Agent({
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
    });
  }

  /** GETs one URL without following redirects; network failures become CrawlErrors. */
  async get(url: string, accept: Accept, headers: Record<string, string> = {}): Promise<Response> {
    let res: Awaited<ReturnType<typeof request>>;
    // undici's own timeouts tick on a coarse ~0.5 s clock (cheap for thousands of sockets); a
    // crawler that promises --header-timeout 100 needs its own timer, cleared once headers come.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#options.headersTimeoutMs);
    try {
      res = await request(url, {
        dispatcher: this.#agent,
        method: 'GET',
        signal: controller.signal,
        headers: {
          'user-agent': this.#options.userAgent,
          'accept-encoding': ACCEPT_ENCODING,
          ...headers,
        },
      });
    } catch (error) {
      if (controller.signal.aborted) {
        const ms = this.#options.headersTimeoutMs;
        throw new CrawlError('ERR_HEADERS_TIMEOUT', `${url}: no response headers within ${ms} ms`, {
          cause: error,
        });
      }
      throw toCrawlError(error, url);
    } finally {
      clearTimeout(timer);
    }
    const contentType = String(res.headers['content-type'] ?? '');
    const base = { url, status: res.statusCode, headers: res.headers, contentType };
    if (res.statusCode < 200 || res.statusCode >= 300 || !accept(contentType)) {
      // Small bodies are read to keep the connection; big ones are cut off (closing it).
      await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return { ...base, body: null, ...(ok ? { skippedType: contentType || 'none' } : {}) };
    }
    const body = await this.#readBody(url, res);
    return {
      ...base,
      body: decode(url, body, res.headers['content-encoding'], this.#options.maxBodyBytes),
    };
  }

  async #readBody(url: string, res: Awaited<ReturnType<typeof request>>): Promise<Buffer> {
    const max = this.#options.maxBodyBytes;
    const declared = Number(res.headers['content-length']);
    if (declared > max) {
      res.body.destroy();
      throw new CrawlError(
        'ERR_BODY_TOO_LARGE',
        `${url}: Content-Length ${declared} exceeds --max-body ${max}`,
      );
    }
    // Events rather than `for await`: one promise per body instead of one per chunk.
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.body.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= max) return void chunks.push(chunk);
        res.body.destroy(); // stop the transfer: the connection is closed, not drained
        reject(new CrawlError('ERR_BODY_TOO_LARGE', `${url}: body passed --max-body ${max} bytes`));
      });
      res.body.on('end', () =>
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)),
      );
      res.body.on('error', (error) => reject(toCrawlError(error, url)));
    });
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

function decode(url: string, body: Buffer, encoding: unknown, max: number): Buffer {
  const coding = String(encoding ?? '')
    .trim()
    .toLowerCase();
  if (coding === '' || coding === 'identity' || body.length === 0) return body;
  const limits = { maxOutputLength: max };
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(body, limits);
    if (coding === 'br') return brotliDecompressSync(body, limits);
    if (coding === 'deflate') return inflateSync(body, limits);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CrawlError('ERR_BODY_TOO_LARGE', `${url}: decompressed body passed ${max} bytes`, {
        cause: error,
      });
    }
    throw new CrawlError('ERR_DECOMPRESS', `${url}: bad ${coding} body`, { cause: error });
  }
  throw new CrawlError('ERR_DECOMPRESS', `${url}: unsupported Content-Encoding '${coding}'`);
}
