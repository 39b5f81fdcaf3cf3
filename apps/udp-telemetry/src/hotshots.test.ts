/** hot-shots, the npm StatsD client, as a real peer: every metric type, tags, buffering, IPv6. */
import StatsD, { type StatsD as StatsDClient } from 'hot-shots';
import { afterEach, describe, expect, it } from 'vitest';
import { type Running, startCollector, waitUntil } from './test-helpers.ts';

let running: Running | undefined;
afterEach(async () => {
  await running?.collector.close();
  running = undefined;
});

function client(port: number, options: ConstructorParameters<typeof StatsD>[0] = {}) {
  const errors: Error[] = [];
  const c = new StatsD({
    host: '127.0.0.1',
    port,
    errorHandler: (e) => errors.push(e),
    ...options,
  });
  return { c, errors };
}

const close = (c: StatsDClient) => new Promise<void>((resolve) => c.close(() => resolve()));

describe('hot-shots as the client', { timeout: 60_000 }, () => {
  it('aggregates every metric type with tags, one metric per datagram', async () => {
    running = await startCollector();
    const { c, errors } = client(running.port, { globalTags: { app: 'hs' } });
    for (let i = 0; i < 10; i++) c.increment('hs.requests', 1, ['env:prod', 'route:/a']);
    c.increment('hs.requests', 5, ['route:/a', 'env:prod']); // same tags in another order
    c.decrement('hs.stock', 3);
    c.gauge('hs.temperature', 21.5);
    c.gauge('hs.queue', 10);
    c.gaugeDelta('hs.queue', -4);
    c.gaugeDelta('hs.queue', 2);
    for (let i = 1; i <= 100; i++) c.timing('hs.latency', i, ['env:prod']);
    for (let i = 1; i <= 50; i++) c.histogram('hs.size', i * 10);
    for (let i = 1; i <= 20; i++) c.distribution('hs.dist', i);
    for (const user of ['ann', 'bob', 'ann', 'cy']) c.set('hs.users', user);
    c.unique('hs.users', 'dee');
    const expected = 10 + 1 + 1 + 1 + 3 + 100 + 50 + 20 + 5;
    await close(c);
    expect(errors).toEqual([]);
    const { collector } = running;
    expect(await waitUntil(() => collector.status().samples === expected)).toBe(true);
    expect(collector.status()).toMatchObject({ datagrams: expected, badLines: 0, badDatagrams: 0 });
    const snap = collector.flush();
    const counter = (name: string) => snap.counters.find((x) => x.name === name);
    expect(counter('hs.requests')).toMatchObject({
      value: 15,
      tags: ['app:hs', 'env:prod', 'route:/a'],
    });
    expect(counter('hs.stock')?.value).toBe(-3);
    const gauge = (name: string) => snap.gauges.find((x) => x.name === name)?.value;
    expect(gauge('hs.temperature')).toBe(21.5);
    expect(gauge('hs.queue')).toBe(8);
    const timer = (name: string) => snap.timers.find((x) => x.name === name)!;
    expect(timer('hs.latency')).toMatchObject({
      type: 'ms',
      count: 100,
      min: 1,
      max: 100,
      mean: 50.5,
    });
    expect(timer('hs.latency').tags).toEqual(['app:hs', 'env:prod']);
    expect(Math.abs(timer('hs.latency').p90 - 90)).toBeLessThanOrEqual(0.9 + 1); // 1 % sketch + rank
    expect(timer('hs.size')).toMatchObject({ type: 'h', count: 50, min: 10, max: 500 });
    expect(timer('hs.dist')).toMatchObject({ type: 'd', count: 20, min: 1, max: 20 });
    expect(snap.sets.find((s) => s.name === 'hs.users')?.count).toBe(4);
  });

  it('reads buffered multi-metric datagrams and Datadog-mode fields', async () => {
    running = await startCollector();
    const { c, errors } = client(running.port, {
      maxBufferSize: 1432,
      bufferFlushInterval: 50,
      datadog: true,
    });
    for (let i = 0; i < 1000; i++) c.increment('hs.buffered', 1, { shard: String(i % 4) });
    await close(c);
    expect(errors).toEqual([]);
    const { collector } = running;
    // Datadog mode adds the client's own telemetry metrics: count only ours, by lifetime total.
    let snap = collector.flush();
    const total = () =>
      snap.counters.filter((x) => x.name === 'hs.buffered').reduce((n, x) => n + x.total, 0);
    const arrived = await waitUntil(() => {
      snap = collector.flush();
      return total() === 1000;
    });
    expect(arrived).toBe(true);
    expect(collector.status().datagrams).toBeLessThan(100);
    expect(collector.status().badLines).toBe(0);
    const shards = snap.counters.filter((x) => x.name === 'hs.buffered');
    expect(shards.map((s) => [s.tags.join(), s.total]).sort()).toEqual([
      ['shard:0', 250],
      ['shard:1', 250],
      ['shard:2', 250],
      ['shard:3', 250],
    ]);
  });

  it('works over IPv6 (::1)', async () => {
    running = await startCollector({ host: '::1' });
    const { c, errors } = client(running.port, { host: '::1' });
    c.increment('hs.v6', 7);
    c.timing('hs.v6.latency', 3);
    await close(c);
    expect(errors).toEqual([]);
    const { collector } = running;
    expect(await waitUntil(() => collector.status().samples === 2)).toBe(true);
    expect(collector.flush().counters[0]).toMatchObject({ name: 'hs.v6', value: 7 });
    expect(running.traces[0]).toMatch(/^<- \[::1\]:\d+ statsd /);
  });
});
