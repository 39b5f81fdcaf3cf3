/** The collector's HTTP side: /metrics (Prometheus), /api/metrics (JSON), /healthz; big bodies stream. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpHandlers {
  /** The exposition, in chunks of bounded size. */
  prometheus: () => Iterable<string>;
  /** The JSON view, in chunks of bounded size. */
  json: () => Iterable<string>;
  /** '' when healthy, else what is wrong. */
  problem: () => string;
  /** Told of each scrape refused because MAX_STREAMS were in progress. */
  onRefused?: () => void;
}

/**
 * Bodies streamed at once. Each holds its snapshot and an index of its series until done, so
 * their number bounds that memory; more get 503 with Retry-After (Prometheus scrapes one
 * target once at a time, so only a crowd of other clients meets this).
 */
export const MAX_STREAMS = 8;
/** A stream not finished by then is cut off: a reader that never reads must not hold it forever. */
export const STREAM_DEADLINE_MS = 60_000;

export function createHttpServer(handlers: HttpHandlers): http.Server {
  let streams = 0;
  const server = http.createServer((req, res) => {
    // Each request owns its errors: a failure answers 500 (or cuts its own body short) and
    // never reaches the server.
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(res, 405, 'only GET\n', { allow: 'GET, HEAD' });
      }
      const path = new URL(req.url ?? '/', 'http://collector').pathname;
      if (path === '/metrics' || path === '/api/metrics') {
        if (streams >= MAX_STREAMS) {
          handlers.onRefused?.();
          return send(res, 503, `${MAX_STREAMS} scrapes in progress; retry\n`, {
            'retry-after': '1',
          });
        }
        streams++;
        res.once('close', () => streams--);
        const type =
          path === '/metrics' ? 'text/plain; version=0.0.4; charset=utf-8' : 'application/json';
        return void stream(res, type, path === '/metrics' ? handlers.prometheus : handlers.json);
      }
      if (path === '/healthz') {
        const problem = handlers.problem();
        return send(res, problem ? 503 : 200, `${problem || 'ok'}\n`);
      }
      send(res, 404, 'not found: try /metrics, /api/metrics, /healthz\n');
    } catch (error) {
      send(res, 500, `internal error: ${(error as Error).message}\n`);
    }
  });
  // A client that stalls mid-request must not hold a socket forever.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}

/**
 * Writes the chunks one by one, waiting for 'drain' whenever write() says the socket's buffer
 * is full: a slow reader slows the writing down instead of making the body pile up in memory.
 * The body has no content-length (its size is not known before it is made), so HTTP/1.1 sends
 * it chunked.
 */
async function stream(res: http.ServerResponse, type: string, make: () => Iterable<string>) {
  const deadline = setTimeout(() => res.destroy(), STREAM_DEADLINE_MS);
  try {
    const chunks = make()[Symbol.iterator]();
    res.writeHead(200, { 'content-type': type });
    if (res.req.method === 'HEAD') return;
    for (let next = chunks.next(); !next.done; next = chunks.next()) {
      if (res.destroyed) return;
      if (!res.write(next.value)) await drained(res);
    }
  } catch (error) {
    if (!res.headersSent) send(res, 500, `internal error: ${(error as Error).message}\n`);
    else res.destroy(); // half a body must not look whole: the client sees it cut short
    return;
  } finally {
    clearTimeout(deadline);
    if (!res.writableEnded && !res.destroyed) res.end();
  }
}

const drained = (res: http.ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

function send(res: http.ServerResponse, status: number, body: string, headers = {}) {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

export function listenHttp(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
