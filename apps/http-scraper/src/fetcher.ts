/** One HTTP GET over undici's keep-alive pools: timeouts, a deadline, size limit, type filter. */
import { Agent, request } from 'undici';
import { readBody } from './body.ts';
import type { NetPolicy } from './net-policy.ts';
import { RequestClock } from './request-clock.ts';

export interface FetcherOptions {
  userAgent: string;
  /** Connections per origin (the per-host concurrency). */
  connections: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Longest silence between two pieces of the body. */
  bodyTimeoutMs: number;
  /** Longest a whole response may take, headers and body: a trickle never holds a URL longer. */
  deadlineMs: number;
  /** Largest body accepted, after decompression. */
  maxBodyBytes: number;
  /** Which addresses a connection may reach (src/net-policy.ts). */
  netPolicy: NetPolicy;
}

/** How much of a body to read: more than `maxBytes` fails, or with `truncate` is cut there. */
export interface BodyLimit {
  maxBytes: number;
  truncate: boolean;
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
  /** Set when the body was cut at `BodyLimit.maxBytes` (only asked for with `truncate`). */
  truncated?: boolean;
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
      // One pool per origin, at most `connections` sockets: TCP (and TLS) setup is paid once
      // per socket, not per page. No pipelining: HTTP/1.1 allows it, but one slow answer
      // stalls every request queued behind it on that socket, and many servers get it wrong.
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      // Every socket, redirects' included, is opened through the address policy: the address
      // checked is the one connected to, so no link, redirect or DNS answer reaches 127.0.0.1,
      // 10.0.0.0/8 or 169.254.169.254 (cloud metadata) unless allowed (--allow-net).
      connect: options.netPolicy.connector({ timeout: options.connectTimeoutMs }),
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
    });
  }

  /** GETs one URL without following redirects; network failures become CrawlErrors. */
  async get(
    url: string,
    accept: Accept,
    headers: Record<string, string> = {},
    limit: BodyLimit = { maxBytes: this.#options.maxBodyBytes, truncate: false },
  ): Promise<Response> {
    const clock = new RequestClock(url, this.#options.headersTimeoutMs, this.#options.deadlineMs);
    try {
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request(url, {
          dispatcher: this.#agent,
          method: 'GET',
          signal: clock.signal,
          headers: {
            'user-agent': this.#options.userAgent,
            // undici's request() does not decompress: body.ts does, counting bytes after it.
            'accept-encoding': ACCEPT_ENCODING,
            ...headers,
          },
        });
      } catch (error) {
        throw clock.failure(error);
      } finally {
        clock.headersCame();
      }
      // request() resolves once the status line and headers are in; the body is still on the
      // socket, a stream that must be read or dumped before the socket can carry another GET.
      const contentType = String(res.headers['content-type'] ?? '');
      const base = { url, status: res.statusCode, headers: res.headers, contentType };
      if (res.statusCode < 200 || res.statusCode >= 300 || !accept(contentType)) {
        // Small bodies are read to keep the connection; big ones are cut off (closing it),
        // and slow ones by the deadline.
        await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        return { ...base, body: null, ...(ok ? { skippedType: contentType || 'none' } : {}) };
      }
      const read = await readBody(url, res.body, res.headers, limit).catch((error) => {
        throw clock.failure(error);
      });
      return { ...base, body: read.body, ...(read.truncated ? { truncated: true } : {}) };
    } finally {
      clock.stop();
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
