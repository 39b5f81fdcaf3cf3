/** The outbound queues: one write per connection per flush, and flushes spaced by the interval. */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { Flusher, Outbox } from './outbox.ts';

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

/** A real loopback connection; returns our end, with its writes recorded (time, bytes). */
async function recordedSocket() {
  const listener = createServer((peer) => {
    sockets.push(peer);
    peer.resume();
  }).listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const socket = connect((listener.address() as { port: number }).port, '127.0.0.1');
  await once(socket, 'connect');
  listener.close();
  sockets.push(socket);
  const writes: { at: number; bytes: number }[] = [];
  const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
  socket.write = ((chunk: Buffer) => {
    writes.push({ at: performance.now(), bytes: chunk.length });
    return write(chunk);
  }) as typeof socket.write;
  return { socket, writes };
}

it('writes frames queued within a flush interval together, no sooner than the interval', async () => {
  const { socket, writes } = await recordedSocket();
  const flusher = new Flusher(50);
  const box = new Outbox(socket, flusher, 1024 * 1024, () => {});
  box.push(Buffer.alloc(10));
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes.map((w) => w.bytes)).toEqual([10]); // a quiet server flushes at once

  // Right after that flush, three frames in two turns of the event loop: one write, later.
  box.push(Buffer.alloc(20));
  await new Promise((resolve) => setImmediate(resolve));
  box.push(Buffer.alloc(30));
  box.push(Buffer.alloc(40));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(writes.map((w) => w.bytes)).toEqual([10, 90]);
  // Timers run on whole milliseconds, so allow one short of the interval.
  expect(writes[1]!.at - writes[0]!.at).toBeGreaterThanOrEqual(49);
});

it('flushes every event-loop turn with an interval of 0', async () => {
  const { socket, writes } = await recordedSocket();
  const box = new Outbox(socket, new Flusher(0), 1024 * 1024, () => {});
  for (const size of [10, 20, 30]) {
    box.push(Buffer.alloc(size));
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(writes.map((w) => w.bytes)).toEqual([10, 20, 30]);
});
