/** connectFrames over real loopback TCP: round trips, slow readers, pause, bad input. */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { connectFrames } from './connect-frames.ts';
import { delimited } from './delimited.ts';
import type { FramingError } from './errors.ts';
import { FrameWriter } from './frame-writer.ts';
import { lengthPrefixed } from './length-prefixed.ts';
import { readFrameBatches, readFrames } from './read-frames.ts';

const opened: Array<Server | Socket> = [];
afterEach(() => {
  for (const it of opened.splice(0)) {
    if ('destroy' in it) it.destroy();
    else it.close();
  }
});

/** A listener on 127.0.0.1:0; `accepted` is the server side of the next connection. */
async function listen(): Promise<{ port: number; accepted: Promise<Socket> }> {
  const server = createServer();
  opened.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const accepted = (once(server, 'connection') as Promise<[Socket]>).then(([socket]) => {
    opened.push(socket);
    return socket;
  });
  return { port, accepted };
}

/** Wait for `socket` to fail; returns the error. */
async function failure(socket: Socket): Promise<FramingError> {
  const [error] = (await once(socket, 'error')) as [FramingError];
  return error;
}

const sizes = [0, 1, 3, 1000, 16_383, 16_384, 65_536, 65_540, 200_000, 1_500_000, 7, 70_000];

describe('connectFrames over loopback TCP', () => {
  it('delivers frames of every size class intact to a callback, each its own to keep', async () => {
    const { port, accepted } = await listen();
    const codec = lengthPrefixed({ maxFrameSize: 2 * 1024 * 1024 });
    const got: Buffer[] = [];
    const client = connectFrames({ host: '127.0.0.1', port }, codec, (frame) => got.push(frame));
    opened.push(client);
    const payloads = sizes.flatMap((size, i) => [Buffer.alloc(size, i), Buffer.alloc(i, size)]);
    const writer = new FrameWriter(await accepted, codec);
    await writer.writeMany(payloads.slice(0, 10));
    for (const p of payloads.slice(10)) await writer.write(p);
    await writer.end();
    await once(client, 'end');
    // Frames kept from the first reads are compared last: nothing wrote into them since.
    expect(got.map((b) => b.toString('base64'))).toEqual(payloads.map((b) => b.toString('base64')));
  });

  it('feeds readFrames with backpressure against a slow reader (16 MiB)', async () => {
    const { port, accepted } = await listen();
    const codec = lengthPrefixed({ header: 'varint' });
    const client = connectFrames({ host: '127.0.0.1', port }, codec);
    opened.push(client);
    const server = await accepted;
    let drains = 0;
    server.on('drain', () => drains++);
    const frameSize = 64 * 1024;
    const count = 256; // more than the loopback socket buffers hold
    const writer = new FrameWriter(server, codec);
    const writing = (async () => {
      for (let i = 0; i < count; i++) await writer.write(Buffer.alloc(frameSize + (i % 7), i));
      await writer.end();
    })();
    await sleep(200); // the reader starts late...
    const kept: Buffer[] = [];
    for await (const frame of readFrames(client, codec, { highWaterFrames: 4 })) {
      expect(frame.length).toBe(frameSize + (kept.length % 7));
      kept.push(frame);
      if (kept.length % 32 === 0) await sleep(5); // ...and stays slow
    }
    await writing;
    expect(drains).toBeGreaterThan(0);
    expect(kept.length).toBe(count);
    kept.forEach((frame, i) => {
      expect([frame[0], frame[frame.length - 1]]).toEqual([i & 0xff, i & 0xff]);
    });
  }, 60_000);

  it('holds frames while the callback has paused the socket, in order, until resume', async () => {
    const { port, accepted } = await listen();
    const codec = lengthPrefixed();
    let paused = false;
    let whilePaused = 0;
    const got: number[] = [];
    const client = connectFrames({ host: '127.0.0.1', port }, codec, (frame) => {
      if (paused) whilePaused++;
      got.push(frame.readUInt32BE(0));
      if (got.length % 100 === 0) {
        client.pause();
        paused = true;
        setTimeout(() => {
          paused = false;
          client.resume();
        }, 2);
      }
    });
    opened.push(client);
    const writer = new FrameWriter(await accepted, codec);
    const payloads = Array.from({ length: 3000 }, (_, i) => Buffer.alloc(40, 0).fill(i, 0, 4));
    for (let i = 0; i < payloads.length; i++) payloads[i]!.writeUInt32BE(i, 0);
    await writer.writeMany(payloads);
    await writer.end();
    await once(client, 'end');
    expect(whilePaused).toBe(0);
    expect(got).toEqual(payloads.map((_, i) => i));
  });

  it('with reuse, delivers every frame intact while paused and resumed (copied as delivered)', async () => {
    const { port, accepted } = await listen();
    const codec = lengthPrefixed({ maxFrameSize: 2 * 1024 * 1024 });
    const got: Buffer[] = [];
    const client = connectFrames(
      { host: '127.0.0.1', port },
      codec,
      (frame) => {
        got.push(Buffer.from(frame)); // valid only until we return
        if (got.length % 50 === 0) {
          client.pause(); // the rest of this read waits in memory the next read must not touch
          setTimeout(() => client.resume(), 1);
        }
      },
      { reuse: true },
    );
    opened.push(client);
    const payloads = [
      ...Array.from({ length: 3000 }, (_, i) => Buffer.alloc(40 + (i % 50), i)),
      ...sizes.map((size, i) => Buffer.alloc(size, i + 7)),
      ...Array.from({ length: 500 }, (_, i) => Buffer.alloc(300, i + 3)),
    ];
    const writer = new FrameWriter(await accepted, codec);
    await writer.writeMany(payloads);
    await writer.end();
    await once(client, 'end');
    expect(got.length).toBe(payloads.length);
    got.forEach((frame, i) => {
      expect(frame.equals(payloads[i]!)).toBe(true);
    });
  });

  it('batches through readFrameBatches', async () => {
    const { port, accepted } = await listen();
    const codec = lengthPrefixed();
    const client = connectFrames({ host: '127.0.0.1', port }, codec);
    opened.push(client);
    const payloads = Array.from({ length: 2000 }, (_, i) => Buffer.from(`frame ${i}`));
    const writer = new FrameWriter(await accepted, codec);
    await writer.writeMany(payloads);
    await writer.end();
    const got: Buffer[] = [];
    for await (const batch of readFrameBatches(client, codec)) {
      expect(batch.length).toBeGreaterThan(0);
      got.push(...batch);
    }
    expect(got).toEqual(payloads);
  });

  it('fails with ERR_TRUNCATED when the peer ends inside a frame', async () => {
    const { port, accepted } = await listen();
    const codec = lengthPrefixed();
    const client = connectFrames({ host: '127.0.0.1', port }, codec, () => {});
    opened.push(client);
    const cut = codec.encode(Buffer.alloc(100_000)).subarray(0, 70_004);
    (await accepted).end(Buffer.concat([codec.encode(Buffer.from('ok')), cut]));
    const error = await failure(client);
    expect(error.code).toBe('ERR_TRUNCATED');
    expect([error.received, error.expected]).toEqual([70_004, 100_004]);
  });

  it('rejects readFrames with ERR_TRUNCATED when the peer ends inside a frame', async () => {
    const { port, accepted } = await listen();
    const codec = lengthPrefixed();
    const client = connectFrames({ host: '127.0.0.1', port }, codec);
    opened.push(client);
    (await accepted).end(Buffer.from([0, 0, 0, 9, 1, 2, 3]));
    const got: Buffer[] = [];
    const error = await (async () => {
      for await (const frame of readFrames(client, codec)) got.push(frame);
    })().catch((err: FramingError) => err);
    expect(got).toEqual([]);
    expect((error as FramingError).code).toBe('ERR_TRUNCATED');
    expect([(error as FramingError).received, (error as FramingError).expected]).toEqual([7, 13]);
  });

  it('fails with ERR_FRAME_TOO_LARGE from the header, before reading the payload', async () => {
    const { port, accepted } = await listen();
    const codec = lengthPrefixed({ maxFrameSize: 1000 });
    const client = connectFrames({ host: '127.0.0.1', port }, codec, () => {});
    opened.push(client);
    (await accepted).write(Buffer.from([0, 0, 0x10, 0]));
    const error = await failure(client);
    expect(error.code).toBe('ERR_FRAME_TOO_LARGE');
    expect([error.size, error.maxFrameSize]).toEqual([4096, 1000]);
    expect(client.destroyed).toBe(true);
  });

  it('destroys only that socket when the frame handler throws', async () => {
    const { port, accepted } = await listen();
    const codec = lengthPrefixed();
    const client = connectFrames({ host: '127.0.0.1', port }, codec, () => {
      throw new Error('handler failed');
    });
    opened.push(client);
    (await accepted).write(codec.encode(Buffer.from('x')));
    expect((await failure(client)).message).toBe('handler failed');
  });

  it('refuses a codec without lengths, reuse without a callback, readFrames with another codec', () => {
    expect(() => connectFrames({ port: 9 }, delimited({ delimiter: '\n' }))).toThrow(TypeError);
    const reuse = { reuse: true };
    expect(() => connectFrames({ port: 9 }, lengthPrefixed(), undefined, reuse)).toThrow(TypeError);
    const client = connectFrames({ host: '127.0.0.1', port: 9 }, lengthPrefixed());
    client.on('error', () => {});
    opened.push(client);
    expect(() => readFrames(client, lengthPrefixed({ header: 'varint' }))).toThrow(TypeError);
  });
});
