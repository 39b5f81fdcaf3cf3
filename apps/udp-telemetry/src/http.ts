/** The collector's HTTP side: /metrics (Prometheus), /api/metrics (JSON), /healthz. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpHandlers {
  prometheus: () => string;
  json: () => unknown;
  /** '' when healthy, else what is wrong. */
  problem: () => string;
}

export function createHttpServer(handlers: HttpHandlers): http.Server {
  const server = http.createServer((req, res) => {
    // Each request owns its errors: a failure answers 500 and never reaches the server.
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(res, 405, 'text/plain; charset=utf-8', 'only GET\n', { allow: 'GET, HEAD' });
      }
      const path = new URL(req.url ?? '/', 'http://collector').pathname;
      if (path === '/metrics') {
        return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', handlers.prometheus());
      }
      if (path === '/api/metrics') {
        return send(
          res,
          200,
          'application/json',
          `${JSON.stringify(handlers.json(), jsonNumbers)}\n`,
        );
      }
      if (path === '/healthz') {
        const problem = handlers.problem();
        return send(res, problem ? 503 : 200, 'text/plain; charset=utf-8', `${problem || 'ok'}\n`);
      }
      send(
        res,
        404,
        'text/plain; charset=utf-8',
        'not found: try /metrics, /api/metrics, /healthz\n',
      );
    } catch (error) {
      send(res, 500, 'text/plain; charset=utf-8', `internal error: ${(error as Error).message}\n`);
    }
  });
  // A client that stalls mid-request must not hold a socket forever.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}

function send(res: http.ServerResponse, status: number, type: string, body: string, headers = {}) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** JSON has no NaN: an empty timer's quantiles become null. */
const jsonNumbers = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value) ? null : value;

export function listenHttp(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
