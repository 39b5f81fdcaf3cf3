/** Bad input against a real server: split, oversized and garbage frames, floods, abrupt closes. */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from './client.ts';
import { type ChatServer, createServer, type ServerOptions } from './server.ts';
import { frame, RawClient, until } from './test-helpers.ts';

const T = { timeout: 60_000 };
let server: ChatServer;
let port: number;
const raws: RawClient[] = [];

async function start(options: ServerOptions = {}): Promise<void> {
  server = createServer({ rate: 0, ...options });
  port = (await server.listen(0)).port;
}

async function raw(): Promise<RawClient> {
  const c = await RawClient.connect(port);
  raws.push(c);
  return c;
}

/** The server still works: a fresh client can say hello and get welcomed. */
async function stillServes(): Promise<void> {
  const c = await connect({ port, nick: `ok${raws.length}`, reconnect: false });
  c.destroy();
}

afterEach(async () => {
  for (const c of raws.splice(0)) c.socket.destroy();
  await server?.close(500);
});

describe('bad input', () => {
  it('reassembles frames that arrive one byte at a time', T, async () => {
    await start();
    const c = await raw();
    const bytes = frame({ type: 'hello', v: 1, nick: 'slowpoke' });
    for (const b of bytes) {
      c.write(Buffer.from([b]));
      await new Promise((r) => setTimeout(r, 2));
    }
    expect((await c.next('welcome')).nick).toBe('slowpoke');
  });

  it('kicks an oversized frame from its header alone', T, async () => {
    await start({ maxFrame: 1024 });
    const c = await raw();
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1025);
    c.write(header);
    expect((await c.next('error')).code).toBe('ERR_FRAME_TOO_LARGE');
    expect((await c.next('bye')).code).toBe('ERR_FRAME_TOO_LARGE');
    await until(() => c.closed, 'close');
    expect(server.counters().badFrameKicks).toBe(1);
    await stillServes();
  });

  it(
    'answers garbage inside a valid frame with ERR_INVALID_MESSAGE and keeps going',
    T,
    async () => {
      await start();
      const c = await raw();
      c.write(Buffer.from([0, 0, 0, 2, 0xc1, 0xc1])); // 0xc1 is never valid MessagePack
      c.send({ type: 'hello', v: 1, nick: 7 });
      c.send({ type: 'welcome', session: 'x' }); // a server-only message from a client
      await until(() => c.received.filter((m) => m.type === 'error').length === 3, '3 errors');
      const codes = c.received.map((m) => (m.type === 'error' ? m.code : m.type));
      expect(codes).toEqual(['ERR_INVALID_MESSAGE', 'ERR_INVALID_MESSAGE', 'ERR_INVALID_MESSAGE']);
      const nickError = c.received[1];
      expect(nickError?.type === 'error' && nickError.message).toContain('nick');
      await c.hello('survivor');
    },
  );

  it('survives random garbage bytes', T, async () => {
    await start({ maxFrame: 4096 });
    for (let i = 0; i < 20; i++) {
      const c = await raw();
      c.write(randomBytes(64 + i * 97));
      await until(() => c.closed || c.received.length > 0, 'a reaction');
    }
    await stillServes();
  });

  it('requires hello first and rejects a wrong protocol version', T, async () => {
    await start();
    const c = await raw();
    c.send({ type: 'join', room: '#a' });
    expect((await c.next('error')).code).toBe('ERR_HELLO_REQUIRED');
    c.send({ type: 'hello', v: 99, nick: 'future' });
    expect((await c.next('bye')).code).toBe('ERR_PROTOCOL_VERSION');
    await until(() => c.closed, 'close');
  });

  it('rate-limits a flood with one error frame, then disconnects it', T, async () => {
    await start({ rate: 10, burst: 5, floodStrikes: 10 });
    const c = await raw();
    await c.hello('flooder');
    c.send({ type: 'join', room: '#a' });
    await c.next('joined');
    for (let i = 0; i < 100; i++) c.send({ type: 'say', room: '#a', text: `spam ${i}` });
    expect((await c.next('bye')).code).toBe('ERR_FLOOD');
    await until(() => c.closed, 'close');
    const errors = c.received.filter((m) => m.type === 'error').map((m) => m.code);
    expect(errors).toEqual(['ERR_RATE_LIMITED', 'ERR_FLOOD']);
    const said = c.received.filter((m) => m.type === 'msg').length;
    expect(said).toBeGreaterThanOrEqual(3); // the burst got through (minus the join)
    expect(said).toBeLessThan(20);
    const n = server.counters();
    expect(n.floodKicks).toBe(1);
    expect(n.drops).toBeGreaterThan(0);
  });

  it('cleans up after abrupt disconnects, mid-frame included', T, async () => {
    await start();
    const watcher = await connect({ port, nick: 'watcher', reconnect: false });
    await watcher.join('#a');
    const quits: string[] = [];
    watcher.on('presence', (p) => p.action === 'quit' && quits.push(p.nick));
    const c = await raw();
    await c.hello('ghost');
    c.send({ type: 'join', room: '#a' });
    await c.next('joined');
    c.write(frame({ type: 'say', room: '#a', text: 'never finished' }).subarray(0, 9));
    c.socket.resetAndDestroy();
    await until(() => quits.includes('ghost'), 'quit presence');
    const again = await raw();
    await again.hello('ghost'); // the nick is free again
    expect(await watcher.who('#a')).toEqual(['watcher']);
    watcher.destroy();
  });

  it('caps connections per IP and in total', T, async () => {
    await start({ maxConnectionsPerIp: 2 });
    await raw();
    await raw();
    const third = await raw();
    expect((await third.next('error')).code).toBe('ERR_TOO_MANY_CONNECTIONS');
    await until(() => third.closed, 'close');
    expect(server.counters().refused).toBe(1);
  });

  it('pings the quiet and drops the silent', T, async () => {
    await start({ pingInterval: 300, idleTimeout: 1500 });
    const answers = await connect({ port, nick: 'alive', reconnect: false });
    const c = await raw();
    await c.hello('mute');
    expect((await c.next('ping')).type).toBe('ping');
    expect((await c.next('bye')).code).toBe('ERR_IDLE_TIMEOUT');
    expect(await answers.who('#none')).toEqual([]); // still connected: it answered its pings
    answers.destroy();
  });
});
