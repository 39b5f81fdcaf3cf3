/** readFrames + FrameWriter over a real loopback TCP socket pair. */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { delimited } from './delimited.ts';
import type { FramingError } from './errors.ts';
import { FrameWriter } from './frame-writer.ts';
import { lengthPrefixed } from './length-prefixed.ts';
import { readFrames } from './read-frames.ts';

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
  it('round-trips frames of every size, empty ones included', async () => {
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
    for (const payload of payloads) await writer.write(payload);
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

  it('pauses the socket once highWaterFrames frames wait, and resumes when they are taken', async () => {
    const { client, server } = await pair();
    const codec = lengthPrefixed();
    const writer = new FrameWriter(client, codec);
    for (let i = 0; i < 100; i++) await writer.write(Buffer.from(`frame ${i}`));
    await writer.end();
    const frames = readFrames(server, codec, { highWaterFrames: 10 });
    expect(String((await frames.next()).value)).toBe('frame 0');
    // The consumer takes nothing more for a while: reading stops at the bound.
    for (let i = 0; i < 100 && !server.isPaused(); i++) await sleep(10);
    expect(server.isPaused()).toBe(true);
    const rest: string[] = [];
    for await (const frame of frames) rest.push(String(frame));
    expect(rest).toEqual(Array.from({ length: 99 }, (_, i) => `frame ${i + 1}`));
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
