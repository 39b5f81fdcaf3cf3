/** The collector's HTTP endpoints: /api/metrics JSON, /healthz, errors, and the receive-buffer warning. */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from './exposition.ts';
import { createHttpServer, listenHttp, MAX_STREAMS } from './http.ts';
import type { View } from './render.ts';
import { type Running, sendRaw, startCollector, waitUntil } from './test-helpers.ts';

let running: Running | undefined;
afterEach(async () => {
  await running?.collector.close();
  running = undefined;
});

describe('HTTP endpoints', { timeout: 60_000 }, () => {
  it('serves the last flush as JSON, quantiles of idle timers as null', async () => {
    running = await startCollector();
    await sendRaw(running.port, ['j.hits:2|c|#a:b', 'j.lat:5|ms', 'j.lat:7|ms']);
    const { collector } = running;
    expect(await waitUntil(() => collector.status().samples === 3)).toBe(true);
    collector.flush();
    const url = `http://127.0.0.1:${running.httpPort}/api/metrics`;
    const first = (await (await fetch(url)).json()) as View;
    expect(first.status).toMatchObject({ datagrams: 3, samples: 3, badLines: 0 });
    expect(first.snapshot?.counters).toEqual([
      expect.objectContaining({ name: 'j.hits', tags: ['a:b'], value: 2, total: 2 }),
    ]);
    expect(first.snapshot?.timers[0]).toMatchObject({
      name: 'j.lat',
      count: 2,
      min: 5,
      max: 7,
      mean: 6,
    });
    collector.flush();
    const second = (await (await fetch(url)).json()) as View;
    expect(second.snapshot?.timers[0]).toMatchObject({ count: 0, p50: null, totalCount: 2 });
  });

  it('answers /healthz, 404 for other paths and 405 for other methods', async () => {
    running = await startCollector();
    const base = `http://127.0.0.1:${running.httpPort}`;
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('warns when net.core.rmem_max caps the receive buffer', async () => {
    running = await startCollector({ receiveBuffer: 1024 * 1024 * 1024 });
    const warning = running.logs.find((l) => l.startsWith('warning: receive buffer capped'));
    expect(warning).toMatch(
      /asked for 1073741824 bytes, the kernel granted \d+ \(net\.core\.rmem_max is \d+\)/,
    );
    expect(running.collector.status().receiveBuffer).toBeLessThan(1024 * 1024 * 1024);
  });

  it('streams with backpressure, refuses scrapes past MAX_STREAMS with 503, and recovers', async () => {
    let refusals = 0;
    // A body far bigger than the socket buffers, made only as fast as it is read.
    const chunk = `${'x'.repeat(CHUNK_BYTES - 1)}\n`;
    let made = 0;
    const server = createHttpServer({
      prometheus: function* () {
        for (let i = 0; i < 4000; i++) {
          made++;
          yield chunk;
        }
      },
      json: () => ['{}\n'],
      problem: () => '',
      onRefused: () => refusals++,
    });
    const { port } = await listenHttp(server, '127.0.0.1', 0);
    const readers: net.Socket[] = [];
    try {
      for (let i = 0; i < MAX_STREAMS; i++) {
        const socket = net.connect(port, '127.0.0.1');
        socket.pause(); // asks, never reads
        socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
        readers.push(socket);
      }
      const url = `http://127.0.0.1:${port}/metrics`;
      let busy: Response | undefined;
      for (let i = 0; i < 200 && busy === undefined; i++) {
        const response = await fetch(url);
        if (response.status === 503) busy = response;
        else await response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(busy?.status).toBe(503);
      expect(busy?.headers.get('retry-after')).toBe('1');
      expect(refusals).toBeGreaterThan(0);
      // Backpressure: the stalled readers got only what the socket buffers hold, not 250 MB.
      expect(made * CHUNK_BYTES).toBeLessThan(MAX_STREAMS * 64 * 1024 * 1024);
      for (const socket of readers) socket.destroy();
      let status = 0;
      for (let i = 0; i < 200 && status !== 200; i++) {
        const response = await fetch(url);
        status = response.status;
        await response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(status).toBe(200);
    } finally {
      for (const socket of readers) socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
