/** Bad input never crashes the collector: malformed lines, truncated or forged MessagePack, garbage. */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeDatagram } from './codec.ts';
import { telemetry } from './protocol.ts';
import { type Running, sendRaw, startCollector, waitUntil } from './test-helpers.ts';

let running: Running | undefined;
afterEach(async () => {
  await running?.collector.close();
  running = undefined;
});

const good = encodeDatagram({ src: 'bad-input', seq: 0, ts: 1, m: [['ok.hits', 'c', 1, 1, []]] });

describe('bad input', { timeout: 60_000 }, () => {
  it('counts malformed StatsD lines and keeps the good lines of the same datagram', async () => {
    running = await startCollector();
    await sendRaw(running.port, [
      'a:1|c\nnocolon\nb:x|c\nc:1|zz\nd:2|g',
      'e:1|c|@7',
      ':1|c',
      '\n\n',
    ]);
    const { collector } = running;
    expect(await waitUntil(() => collector.status().datagrams === 4)).toBe(true);
    expect(collector.status()).toMatchObject({ samples: 2, badLines: 5, badDatagrams: 0 });
    expect(running.logs.filter((l) => l.startsWith('bad line'))).toHaveLength(5);
  });

  it('refuses every truncation of a valid datagram, and trailing bytes', async () => {
    running = await startCollector();
    const cuts = Array.from({ length: good.length - 1 }, (_, n) => good.subarray(0, n + 1));
    await sendRaw(running.port, [...cuts, Buffer.concat([good, Buffer.from([0xc0])]), good]);
    const { collector } = running;
    expect(await waitUntil(() => collector.status().datagrams === cuts.length + 2)).toBe(true);
    expect(collector.status()).toMatchObject({ badDatagrams: cuts.length + 1, samples: 1 });
    // Only the intact datagram reached loss accounting.
    expect(collector.sources()).toEqual([
      expect.objectContaining({ source: 'bad-input', received: 1 }),
    ]);
  });

  it('refuses well-formed MessagePack of the wrong shape', async () => {
    running = await startCollector();
    const forged = [
      { type: 'other' },
      { type: 'metrics', src: '', seq: 0, ts: 1, m: [] },
      { type: 'metrics', src: 'x', seq: -1, ts: 1, m: [] },
      { type: 'metrics', src: 'x', seq: 1.5, ts: 1, m: [] },
      { type: 'metrics', src: 'x', seq: 0, ts: 1, m: [['s', 's', 5, 1, []]] },
      { type: 'metrics', src: 'x', seq: 0, ts: 1, m: [['c', 'c', 'five', 1, []]] },
      { type: 'metrics', src: 'x', seq: 0, ts: 1, m: [['c', 'c', 1, 0, []]] },
      { type: 'metrics', src: 'x', seq: 0, ts: 1, m: [['c', 'c', Number.NaN, 1, []]] },
      { type: 'metrics', src: 'x', seq: 0, ts: 1, m: [['c', 'q', 1, 1, []]] },
      { type: 'metrics', src: 'x', seq: 0, ts: 1, m: [['c', 'c', 1, 1]] },
      { type: 'metrics', src: 'x', seq: 0, ts: 1, m: 'nope' },
    ].map((value) => telemetry.pack(value));
    await sendRaw(running.port, [...forged, Buffer.alloc(0)]);
    const { collector } = running;
    expect(await waitUntil(() => collector.status().datagrams === forged.length + 1)).toBe(true);
    expect(collector.status()).toMatchObject({
      badDatagrams: forged.length + 1,
      samples: 0,
      series: 0,
    });
    expect(collector.sources()).toEqual([]);
  });

  it('survives random garbage and big datagrams, logging at a bounded rate', async () => {
    running = await startCollector();
    const garbage = Array.from({ length: 300 }, (_, i) => {
      const bytes = Buffer.alloc(1 + (i % 200));
      for (let k = 0; k < bytes.length; k++) bytes[k] = (i * 31 + k * 17) & 0xff;
      bytes[0] = 0x80 + (i % 16); // looks like our MessagePack
      return bytes;
    });
    const big = Buffer.from(Array.from({ length: 4000 }, (_, i) => `big.${i % 10}:1|c`).join('\n'));
    await sendRaw(running.port, [...garbage, big, 'after:1|c']);
    const { collector } = running;
    expect(await waitUntil(() => collector.status().datagrams === garbage.length + 2)).toBe(true);
    expect(collector.status().badDatagrams).toBe(garbage.length);
    expect(collector.status().samples).toBe(4001);
    expect(running.logs.filter((l) => l.startsWith('bad datagram')).length).toBeLessThanOrEqual(5);
    const snap = collector.flush();
    expect(snap.counters.find((c) => c.name === 'after')?.value).toBe(1);
    const health = await fetch(`http://127.0.0.1:${running.httpPort}/healthz`);
    expect(health.status).toBe(200);
  });
});
