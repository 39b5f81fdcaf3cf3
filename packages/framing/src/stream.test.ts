/** readFrames + FrameWriter over a real loopback TCP socket pair. */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
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
  it('round-trips frames written one by one and in batches', async () => {
    const { client, server } = await pair();
    const codec = lengthPrefixed();
    const writer = new FrameWriter(client, codec);
    const payloads = [Buffer.from('one'), Buffer.alloc(0), Buffer.alloc(100_000, 1)];
    await writer.write(payloads[0]!);
    await writer.writeMany(payloads.slice(1));
    await writer.end();
    const got: Buffer[] = [];
    for await (const frame of readFrames(server, codec)) got.push(frame);
    expect(got).toEqual(payloads);
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
});
