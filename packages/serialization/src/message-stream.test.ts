/** MessageStream over a real loopback TCP connection: handshake, typed messages, trace, close. */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SerializationError } from './errors.ts';
import { MessageStream } from './message-stream.ts';
import { defineProtocol } from './protocol.ts';
import { formatTrace } from './trace.ts';

const chat = defineProtocol({
  name: 'tcp-chat',
  version: 1,
  messages: { hello: { nick: z.string() }, say: { room: z.string(), text: z.string() } },
});

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

async function socketPair(): Promise<[Socket, Socket]> {
  const listener: Server = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as { port: number };
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  const [server] = await accepted;
  cleanup.push(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return [client, server];
}

describe('MessageStream', () => {
  it('exchanges typed messages and traces them', async () => {
    const [a, b] = await socketPair();
    const lines: string[] = [];
    const client = new MessageStream(a, chat, {
      trace: (dir, msg, bytes) => lines.push(formatTrace(dir, msg, bytes)),
    });
    const server = new MessageStream(b, chat);
    await client.send({ type: 'hello', nick: 'ada' });
    await client.send({ type: 'say', room: 'lobby', text: 'hi' });
    const closing = client.close();
    const got = [];
    for await (const message of server) got.push(message);
    await closing;
    expect(got).toEqual([
      { type: 'hello', nick: 'ada' },
      { type: 'say', room: 'lobby', text: 'hi' },
    ]);
    expect(lines).toEqual([
      "-> hello { nick: 'ada' } (21 B)",
      "-> say { room: 'lobby', text: 'hi' } (29 B)",
    ]);
  });

  it('reports an invalid message with its path and keeps reading', async () => {
    const [a, b] = await socketPair();
    const server = new MessageStream(b, chat);
    const raw = new MessageStream(a, chat);
    a.write(raw.codec.encode(chat.pack({ type: 'say', room: 1, text: 'x' })));
    await raw.send({ type: 'say', room: 'r', text: 'ok' });
    const error = await server.next().catch((err: SerializationError) => err);
    expect((error as SerializationError).code).toBe('ERR_INVALID_MESSAGE');
    expect((error as SerializationError).path).toBe('room');
    expect(await server.next()).toEqual({ type: 'say', room: 'r', text: 'ok' });
  });

  it('turns a connection reset into errors from next() and send(), never a crash', async () => {
    const [a, b] = await socketPair();
    const client = new MessageStream(a, chat);
    const closed = new Promise((resolve) => a.once('close', resolve));
    // The socket reads from the start, so the reset arrives as an 'error' event while
    // nobody reads or writes: unhandled, it would crash the process.
    b.resetAndDestroy();
    await closed;
    const readError = (await client.next().catch((err: unknown) => err)) as { code?: string };
    expect(['ECONNRESET', 'EPIPE']).toContain(readError.code);
    const sendError = (await client
      .send({ type: 'hello', nick: 'ada' })
      .catch((err: unknown) => err)) as { code?: string; cause?: { code?: string } };
    expect(sendError.code).toBe('ERR_STREAM_CLOSED');
    expect(['ECONNRESET', 'EPIPE']).toContain(sendError.cause?.code);
  });
});
