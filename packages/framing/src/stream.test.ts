/** readFrames + FrameWriter over a real loopback TCP socket pair. */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { delimited } from './delimited.ts';
import type { FramingError } from './errors.ts';
import { FrameWriter } from './frame-writer.ts';
import { lengthPrefixed } from './length-prefixed.ts';
import { readFrameBatches, readFrames } from './read-frames.ts';

/** A connected client/server socket pair on 127.0.0.1, closed after each test. */
async function socketPair(): Promise<{ client: Socket; server: Socket; listener: Server }> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const address = listener.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = connect(address.port, '127.0.0.1');
  await once(client, 'connect');
  const [server] = await accepted;
  return { client, server, listener };
}

const open: Array<{ client: Socket; server: Socket; listener: Server }> = [];
afterEach(() => {
  for (const { client, server, listener } of open.splice(0)) {
    client.destroy();
    server.destroy();
    listener.close();
  }
});

async function pair() {
  const p = await socketPair();
  open.push(p);
  return p;
}

describe('stream adapters over loopback TCP', () => {
  it('round-trips frames written one by one and in batches', async () => {
    const { client, server } = await pair();
    const codec = lengthPrefixed();
    const writer = new FrameWriter(client, codec);
    const payloads = [
      Buffer.from('one'),
      Buffer.alloc(0),
      Buffer.alloc(100_000, 1),
      ...Array.from({ length: 300 }, (_, i) => Buffer.alloc(i * 7, i)),
      Buffer.alloc(5000, 2),
    ];
    await writer.write(payloads[0]!);
    await writer.writeMany(payloads.slice(1));
    await writer.end();
    const got: Buffer[] = [];
    for await (const frame of readFrames(server, codec)) got.push(frame);
    // Compare as hex: deep equality of 400 KB of Buffers byte by byte is slow.
    expect(got.map((b) => b.toString('hex'))).toEqual(payloads.map((b) => b.toString('hex')));
  });

  it('surfaces ERR_TRUNCATED when the peer closes inside a frame', async () => {
    const { client, server } = await pair();
    const codec = lengthPrefixed();
    client.end(Buffer.from([0, 0, 0, 9, 1, 2, 3]));
    let error: FramingError | undefined;
    try {
      for await (const _ of readFrames(server, codec)) expect.unreachable();
    } catch (err) {
      error = err as FramingError;
    }
    expect(error?.code).toBe('ERR_TRUNCATED');
    expect(error?.received).toBe(7);
    expect(error?.expected).toBe(13);
  });

  it('honours backpressure against a slow reader and delivers every frame intact', async () => {
    const { client, server } = await pair();
    const codec = lengthPrefixed();
    const frameSize = 64 * 1024;
    const count = 256; // 16 MiB: more than the loopback socket buffers hold
    let drains = 0;
    client.on('drain', () => drains++);
    const writer = new FrameWriter(client, codec);
    const writing = (async () => {
      for (let i = 0; i < count; i++) {
        await writer.write(Buffer.alloc(frameSize, i & 0xff));
        // After each resolved write, Node buffers at most the high-water mark plus one frame.
        expect(client.writableLength).toBeLessThanOrEqual(
          client.writableHighWaterMark + frameSize + 4,
        );
      }
      await writer.end();
    })();
    await sleep(200); // the reader starts late...
    let seen = 0;
    for await (const frame of readFrames(server, codec, { highWaterFrames: 4 })) {
      expect(frame.length).toBe(frameSize);
      expect(frame[0]).toBe(seen & 0xff);
      expect(frame[frameSize - 1]).toBe(seen & 0xff);
      seen++;
      if (seen % 32 === 0) await sleep(5); // ...and stays slow
    }
    await writing;
    expect(seen).toBe(count);
    expect(drains).toBeGreaterThan(0);
  }, 60_000);

  it('does not wait for drain when uncork() handed the whole batch to the kernel', async () => {
    const { client, server } = await pair();
    server.resume();
    const writer = new FrameWriter(client, lengthPrefixed());
    let drains = 0;
    client.on('drain', () => drains++);
    // Corked writes past the high-water mark (16 KiB) set the need-drain flag; an idle
    // loopback socket takes 20 KiB at once, so the buffer is empty after uncork().
    expect(client.writableHighWaterMark).toBeLessThan(20 * 1024);
    await writer.writeMany([Buffer.alloc(20 * 1024)]);
    expect(client.writableLength).toBe(0);
    expect(drains).toBe(0); // resolved before the 'drain' of the next tick
    await writer.write(Buffer.alloc(20 * 1024));
    expect(drains).toBe(0);
  });

  it('tryWriteMany returns false at the high-water mark and drained() waits (slow reader)', async () => {
    const { client, server } = await pair();
    const codec = lengthPrefixed();
    const writer = new FrameWriter(client, codec);
    const frameSize = 64 * 1024;
    const count = 256; // 16 MiB
    let full = 0;
    const writing = (async () => {
      for (let i = 0; i < count; i++) {
        const small = Array.from({ length: 4 }, (_, k) => Buffer.alloc(100, (i + k) & 0xff));
        if (!writer.tryWriteMany([Buffer.alloc(frameSize, i & 0xff), ...small])) {
          full++;
          await writer.drained();
        }
        // Never more than the high-water mark plus one call's frames are queued.
        expect(client.writableLength).toBeLessThan(client.writableHighWaterMark + 70_000);
      }
      await writer.end();
    })();
    await sleep(100);
    let seen = 0;
    for await (const frame of readFrames(server, codec, { highWaterFrames: 8 })) {
      const i = Math.floor(seen / 5);
      const k = seen % 5;
      expect(frame.length).toBe(k === 0 ? frameSize : 100);
      expect(frame[frame.length - 1]).toBe(k === 0 ? i & 0xff : (i + k - 1) & 0xff);
      seen++;
      if (seen % 100 === 0) await sleep(2);
    }
    await writing;
    expect(seen).toBe(count * 5);
    expect(full).toBeGreaterThan(0);
  }, 60_000);

  it('tryWriteEncoded sends frames filled in place, and waits like tryWriteMany', async () => {
    const { client, server } = await pair();
    const codec = lengthPrefixed();
    const writer = new FrameWriter(client, codec);
    const count = 256; // 16 MiB: more than the kernel buffers, so the writer must wait
    let full = 0;
    const writing = (async () => {
      for (let i = 0; i < count; i += 2) {
        const frames = [i, i + 1].map((n) => {
          const { frame, payload } = codec.allocFrame(64 * 1024);
          payload.fill(n & 0xff);
          return frame;
        });
        if (!writer.tryWriteEncoded(frames)) {
          full++;
          await writer.drained();
        }
      }
      await writer.end();
    })();
    await sleep(50);
    let seen = 0;
    for await (const frame of readFrames(server, codec)) {
      expect(frame.length).toBe(64 * 1024);
      expect(frame[0]).toBe(seen & 0xff);
      expect(frame[frame.length - 1]).toBe(seen & 0xff);
      seen++;
    }
    await writing;
    expect(seen).toBe(count);
    expect(full).toBeGreaterThan(0);
    expect(() => writer.tryWriteEncoded([codec.encode(Buffer.from('x'))])).toThrow(
      expect.objectContaining({ code: 'ERR_STREAM_CLOSED' }),
    );
  });

  it('tryWriteMany throws and drained() rejects ERR_STREAM_CLOSED on a closed stream', async () => {
    const { client } = await pair();
    const writer = new FrameWriter(client, lengthPrefixed());
    client.destroy();
    expect(() => writer.tryWriteMany([Buffer.from('x')])).toThrow(
      expect.objectContaining({ code: 'ERR_STREAM_CLOSED' }),
    );
    const error = (await writer.drained().catch((err: unknown) => err)) as FramingError;
    expect(error.code).toBe('ERR_STREAM_CLOSED');
  });

  it('rejects a write waiting for drain with ERR_STREAM_CLOSED when the peer goes away', async () => {
    const { client, server } = await pair();
    client.on('error', () => {}); // ECONNRESET/EPIPE also reach the socket itself
    const writer = new FrameWriter(client, lengthPrefixed());
    // Fill the socket buffers (ours and the kernel's) until a write stays pending.
    let pending: Promise<void> | undefined;
    for (let i = 0; i < 2000 && pending === undefined; i++) {
      const write = writer.write(Buffer.alloc(64 * 1024));
      const settled = await Promise.race([write.then(() => true), sleep(100).then(() => false)]);
      if (!settled) pending = write;
    }
    expect(pending).toBeDefined();
    server.destroy();
    const error = (await pending!.catch((err: unknown) => err)) as FramingError;
    expect(error.code).toBe('ERR_STREAM_CLOSED');
    const again = (await writer
      .write(Buffer.from('x'))
      .catch((err: unknown) => err)) as FramingError;
    expect(again.code).toBe('ERR_STREAM_CLOSED');
  }, 60_000);

  it('reads delimited frames and stops cleanly when the consumer breaks out', async () => {
    const { client, server } = await pair();
    const lines = delimited({ delimiter: '\r\n' });
    client.write('one\r\ntwo\r\nthree\r\n');
    const got: string[] = [];
    for await (const frame of readFrames(server, lines)) {
      got.push(frame.toString());
      if (got.length === 2) break;
    }
    expect(got).toEqual(['one', 'two']);
    expect(server.destroyed).toBe(false);
    expect(server.isPaused()).toBe(true);
  });

  it('yields frames in batches, each batch non-empty and in order', async () => {
    const { client, server } = await pair();
    const codec = lengthPrefixed({ header: 'varint' });
    const writer = new FrameWriter(client, codec);
    const payloads = Array.from({ length: 2000 }, (_, i) => Buffer.from(`frame ${i}`));
    await writer.writeMany(payloads.slice(0, 1000));
    for (const p of payloads.slice(1000)) await writer.write(p);
    await writer.end();
    const got: Buffer[] = [];
    for await (const batch of readFrameBatches(server, codec)) {
      expect(batch.length).toBeGreaterThan(0);
      got.push(...batch);
    }
    expect(got).toEqual(payloads);
  });

  it('reuses a packing buffer only after its socket is done with it', async () => {
    // Two writers share the process-wide pool; nothing is awaited, the readers start late,
    // so with 12 MB per socket in batches of 100 KB (more than the kernel buffers on
    // loopback; big enough runs to use pooled buffers) many packed buffers wait in the
    // socket's queue, and a reuse before the socket is done with one
    // would overwrite frames not yet on the wire.
    const pairs = [await pair(), await pair()];
    const codec = lengthPrefixed();
    const batches = (tag: number) =>
      Array.from({ length: 120 }, (_, b) =>
        Array.from({ length: 100 }, (_, f) => Buffer.alloc(1000 + f, `${tag}:${b}:${f};`)),
      );
    const sent = pairs.map((_, tag) => batches(tag));
    const writes = pairs.map(async ({ client }, tag) => {
      const writer = new FrameWriter(client, codec);
      await Promise.all(sent[tag]!.map((batch) => writer.writeMany(batch)));
      await writer.end();
    });
    await sleep(50);
    const received = pairs.map(async ({ server }) => {
      const got: string[] = [];
      for await (const frame of readFrames(server, codec)) got.push(frame.toString('latin1'));
      return got;
    });
    await Promise.all(writes);
    const got = await Promise.all(received);
    for (const tag of [0, 1]) {
      expect(got[tag]).toEqual(sent[tag]!.flat().map((p) => p.toString('latin1')));
    }
  });

  it('reuses a packing buffer only after its own write is done, while later ones wait', async () => {
    // A batch per tick, never awaited, against a slow reader: the socket's queue holds
    // many packed buffers while the callbacks of the first ones come in and the next
    // batches are packed. A buffer released for the wrong write would be packed again
    // while still queued, and its frames would arrive overwritten.
    const { client, server } = await pair();
    const codec = lengthPrefixed();
    const writer = new FrameWriter(client, codec);
    const batches = Array.from({ length: 300 }, (_, b) =>
      Array.from({ length: 90 }, (_, f) => Buffer.alloc(1000 + (f % 7), `${b}:${f};`)),
    );
    const received = (async () => {
      const got: string[] = [];
      for await (const frame of readFrames(server, codec)) {
        got.push(frame.toString('latin1'));
        if (got.length % 500 === 0) await sleep(4);
      }
      return got;
    })();
    const writes: Promise<void>[] = [];
    for (const batch of batches) {
      writes.push(writer.writeMany(batch));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(writes);
    await writer.end();
    expect(await received).toEqual(batches.flat().map((p) => p.toString('latin1')));
  });

  it('never reuses a buffer it gave to a stream that may keep it (a PassThrough)', async () => {
    // A high-water mark above a batch, so the PassThrough calls back before it is read.
    const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
    const writer = new FrameWriter(stream, lengthPrefixed());
    const batches = Array.from({ length: 40 }, (_, b) =>
      Array.from({ length: 80 }, (_, f) => Buffer.alloc(1000, `${b}:${f};`)),
    );
    // Each batch's write callback runs before the next batch is packed (until the
    // PassThrough's buffer is full), while its readable side still holds the chunks written.
    const writes: Promise<void>[] = [];
    for (const batch of batches) {
      writes.push(writer.writeMany(batch));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const flushed = Promise.all(writes).then(() => writer.end());
    const got: string[] = [];
    for await (const frame of readFrames(stream, lengthPrefixed())) got.push(frame.toString());
    await flushed;
    expect(got).toEqual(batches.flat().map((p) => p.toString()));
  });

  it('settles at once when reading starts after the stream ended or failed', async () => {
    const { client, server } = await pair();
    client.end();
    server.resume(); // 'end' comes only once the stream is read to its end
    await once(server, 'end');
    const frames = readFrames(server, lengthPrefixed());
    expect(await frames.next()).toEqual({ value: undefined, done: true });

    const other = await pair();
    other.server.on('error', () => {});
    other.server.destroy(new Error('boom'));
    await new Promise((resolve) => other.server.once('close', resolve));
    await expect(readFrames(other.server, lengthPrefixed()).next()).rejects.toThrow('boom');
  });
});
