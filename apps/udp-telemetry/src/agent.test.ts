/** Our agent end to end: MessagePack and StatsD text, MTU budget, host metrics, IPv6, a dead collector. */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from './client.ts';
import { decodeDatagram, isPacked } from './codec.ts';
import { type Running, startCollector, waitUntil } from './test-helpers.ts';

let running: Running | undefined;
afterEach(async () => {
  await running?.collector.close();
  running = undefined;
});

/** A plain UDP socket that keeps every datagram it gets, to look at the agent's bytes. */
async function capture() {
  const socket = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  socket.on('message', (msg) => got.push(msg));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    got,
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}

describe('agent', { timeout: 60_000 }, () => {
  it('sends every type end to end in MessagePack, with source and sequence', async () => {
    running = await startCollector();
    const agent = await connect({ port: running.port, flushMs: 0, source: 'test-agent' });
    for (let i = 1; i <= 300; i++) {
      agent.increment('e2e.hits', 2, { tags: ['env:test'] });
      agent.timing('e2e.latency', i);
      agent.histogram('e2e.size', i % 7);
      agent.distribution('e2e.dist', -i);
      agent.set('e2e.users', i % 30);
    }
    agent.gauge('e2e.level', 40);
    agent.gaugeDelta('e2e.level', 2.5);
    agent.decrement('e2e.stock', 4);
    await agent.close();
    const { collector } = running;
    expect(await waitUntil(() => collector.status().samples === agent.stats.samples)).toBe(true);
    const snap = collector.flush();
    expect(snap.counters.find((c) => c.name === 'e2e.hits')).toMatchObject({
      value: 600,
      tags: ['env:test'],
    });
    expect(snap.counters.find((c) => c.name === 'e2e.stock')?.value).toBe(-4);
    expect(snap.gauges.find((g) => g.name === 'e2e.level')?.value).toBe(42.5);
    expect(snap.timers.find((t) => t.name === 'e2e.latency')).toMatchObject({
      count: 300,
      min: 1,
      max: 300,
    });
    expect(snap.timers.find((t) => t.name === 'e2e.dist')).toMatchObject({
      count: 300,
      min: -300,
      max: -1,
    });
    expect(snap.sets.find((s) => s.name === 'e2e.users')?.count).toBe(30);
    expect(collector.sources()).toEqual([
      expect.objectContaining({
        source: 'test-agent',
        received: agent.stats.datagrams,
        lost: 0,
        reordered: 0,
        duplicated: 0,
      }),
    ]);
  });

  for (const format of ['msgpack', 'statsd'] as const) {
    it(`keeps every ${format} datagram within the MTU budget and fills it`, async () => {
      const sink = await capture();
      const agent = await connect({ port: sink.port, format, mtu: 512, flushMs: 0 });
      for (let i = 0; i < 2000; i++)
        agent.timing(`budget.metric.${i % 13}`, i * 1.5, { tags: [`k:${i % 5}`] });
      await agent.close();
      expect(await waitUntil(() => sink.got.length === agent.stats.datagrams)).toBe(true);
      await sink.close();
      const sizes = sink.got.map((d) => d.length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(512);
      // All but the last datagram are full to within one more sample.
      expect(Math.min(...sizes.slice(0, -1))).toBeGreaterThan(512 - 60);
      let samples = 0;
      for (const [seq, d] of sink.got.entries()) {
        expect(isPacked(d)).toBe(format === 'msgpack');
        if (format === 'msgpack') {
          const datagram = decodeDatagram(d);
          expect(datagram.seq).toBe(seq);
          expect(datagram.src).toBe(agent.source);
          samples += datagram.m.length;
        } else samples += d.toString().split('\n').length;
      }
      expect(samples).toBe(2000);
    });
  }

  it('samples host metrics, including /proc/net/dev and event-loop lag', async () => {
    running = await startCollector();
    const agent = await connect({
      port: running.port,
      flushMs: 0,
      hostMetrics: { intervalMs: 0, prefix: 'h.' },
    });
    // Let the lag monitor take samples. It records from its second tick on, and a stalled
    // machine can run its first tick and a single 50 ms sleep in one loop turn: so several
    // turns, each of which runs the monitor's 10 ms timer before waking this test.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 20));
    agent.sampleHost();
    await agent.close();
    const { collector } = running;
    expect(await waitUntil(() => collector.status().samples === agent.stats.samples)).toBe(true);
    const snap = collector.flush();
    const gauges = snap.gauges.map((g) => g.name);
    expect(gauges).toEqual(
      expect.arrayContaining([
        'h.cpu.percent',
        'h.load.1m',
        'h.memory.used_bytes',
        'h.process.rss_bytes',
      ]),
    );
    expect(
      snap.counters.some((c) => c.name === 'h.net.rx_bytes' && c.tags.includes('iface:lo')),
    ).toBe(true);
    expect(snap.timers.some((t) => t.name === 'h.event_loop.lag')).toBe(true);
  });

  it('talks to a collector on ::1', async () => {
    running = await startCollector({ host: '::1' });
    const agent = await connect({ host: '::1', port: running.port, flushMs: 0 });
    agent.increment('v6.hits', 3);
    await agent.close();
    const { collector } = running;
    expect(await waitUntil(() => collector.status().samples === 1)).toBe(true);
    expect(collector.flush().counters[0]).toMatchObject({ name: 'v6.hits', value: 3 });
  });

  it('backs off while nothing listens, and resumes when a collector comes back', async () => {
    const sink = await capture();
    const port = sink.port;
    await sink.close(); // now nothing listens there: ICMP port unreachable comes back
    const agent = await connect({ port, flushMs: 0, backoff: { initialMs: 1000, maxMs: 2000 } });
    for (let i = 0; i < 20; i++) {
      agent.increment('nobody.home');
      agent.flush();
      await agent.drained();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    // The first refusals pause the agent: later datagrams are dropped (and counted), not sent.
    expect(agent.stats.errors).toBeGreaterThan(0);
    expect(agent.stats.dropped).toBeGreaterThan(0);
    expect(agent.stats.errors).toBeLessThan(20);
    running = await startCollector({ port });
    const { collector } = running;
    const resumed = await waitUntil(() => {
      agent.increment('back.again');
      agent.flush();
      return collector.status().samples > 0;
    });
    expect(resumed).toBe(true);
    await agent.close();
    // Sequence numbers went on while nobody listened: the collector hears the source from there.
    expect(collector.sources()[0]!.lowest).toBeGreaterThanOrEqual(agent.stats.dropped);
  });

  it('refuses bad values with a stable code', async () => {
    const agent = await connect({ port: 9, flushMs: 0 });
    expect(() => agent.gauge('x', Number.NaN)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => agent.increment('x', 1, { sampleRate: 2 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    await agent.close();
  });
});
