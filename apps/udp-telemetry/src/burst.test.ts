/**
 * Bursts: below what the receive buffer holds nothing is lost; above it every drop is counted,
 * by the kernel (socket buffer full) or by us (parse queue full). Counts only, never timing.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { type Running, startCollector, waitUntil } from './test-helpers.ts';

let running: Running | undefined;
afterEach(async () => {
  await running?.collector.close();
  running = undefined;
});

const PER = 5;
const payload = (i: number) =>
  Buffer.from(
    Array.from({ length: PER }, (_, k) => `burst.m${k}:${i % 100}|${k % 2 ? 'ms' : 'c'}`).join(
      '\n',
    ),
  );

/**
 * Sends `count` datagrams in one synchronous loop: the collector shares this event loop, so
 * it cannot read until the loop ends. Everything has to wait in the socket buffer, exactly as
 * when a busy collector falls behind a burst.
 */
async function burst(port: number, count: number) {
  const socket = dgram.createSocket('udp4');
  socket.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.setSendBufferSize(16 * 1024 * 1024);
  let errors = 0;
  for (let i = 0; i < count; i++) socket.send(payload(i), (error) => error && errors++);
  await waitUntil(() => socket.getSendQueueCount() === 0);
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return errors;
}

describe('bursts', { timeout: 60_000 }, () => {
  it('loses nothing from a 4000-datagram burst with the default 8 MiB buffer', async () => {
    running = await startCollector();
    expect(await burst(running.port, 4000)).toBe(0);
    const { collector } = running;
    expect(await waitUntil(() => collector.status().datagrams === 4000)).toBe(true);
    expect(collector.status()).toMatchObject({
      samples: 4000 * PER,
      queueDropped: 0,
      kernelDrops: 0,
      badLines: 0,
    });
  });

  it('counts every datagram dropped by the kernel when the buffer overflows', async () => {
    running = await startCollector({ receiveBuffer: 64 * 1024 });
    const sent = 20_000;
    expect(await burst(running.port, sent)).toBe(0);
    const { collector } = running;
    const accounted = () => {
      const s = collector.status();
      return s.datagrams + (s.kernelDrops ?? 0) === sent;
    };
    expect(await waitUntil(accounted)).toBe(true);
    const s = collector.status();
    expect(s.kernelDrops).toBeGreaterThan(0);
    expect(s.datagrams).toBeGreaterThan(0);
    expect(s.samples).toBe(s.datagrams * PER);
    const text = await (await fetch(`http://127.0.0.1:${running.httpPort}/metrics`)).text();
    expect(text).toContain(`telemetry_kernel_dropped_total ${s.kernelDrops}\n`);
  });

  it('counts every datagram dropped by a full parse queue', async () => {
    running = await startCollector({ queueSize: 4 });
    const sent = 3000;
    expect(await burst(running.port, sent)).toBe(0);
    const { collector } = running;
    expect(await waitUntil(() => collector.status().datagrams === sent)).toBe(true);
    const s = collector.status();
    // Each socket read turn takes up to 32 datagrams; a queue of 4 must overflow and say so.
    expect(s.queueDropped).toBeGreaterThan(0);
    expect(s.kernelDrops).toBe(0);
    expect(s.samples).toBe((sent - s.queueDropped) * PER);
  });
});
