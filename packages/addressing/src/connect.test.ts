/** connectTcp against real sockets: Happy Eyeballs past a black-holed ::1, timeouts, refusals. */
import net from 'node:net';
import { type BlackHole, type DnsmasqPeer, startBlackHole, startDnsmasq } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTcp } from './connect.ts';
import { AddressError } from './errors.ts';

let dns: DnsmasqPeer;
let server: net.Server;
let port: number;
let hole: BlackHole;

beforeAll(async () => {
  server = net.createServer((socket) => {
    socket.on('error', () => {}); // a client that resets is not this test's concern
    socket.end('hello\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
  // [::1]:port drops SYNs (a firewalled host, on loopback); 127.0.0.1:port answers.
  hole = await startBlackHole(port);
  dns = await startDnsmasq({
    records: {
      a: [['dual.netlab.test', '127.0.0.1']],
      aaaa: [
        ['dual.netlab.test', '::1'],
        ['hole.netlab.test', '::1'],
      ],
    },
  });
}, 120_000);

afterAll(async () => {
  await hole?.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await dns?.stop();
});

function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    (socket) => {
      (socket as net.Socket).destroy();
      return 'connected';
    },
    (err) => {
      expect(err).toBeInstanceOf(AddressError);
      return (err as AddressError).code;
    },
  );
}

describe('connectTcp', () => {
  it('connects to an IP literal endpoint', async () => {
    const socket = await connectTcp(`127.0.0.1:${port}`);
    expect(socket.remoteAddress).toBe('127.0.0.1');
    socket.destroy();
  });

  it('falls back from a black-holed ::1 to 127.0.0.1 after the attempt timeout', {
    timeout: 30_000,
  }, async () => {
    const socket = await connectTcp(`dual.netlab.test:${port}`, {
      servers: [dns.server],
      attemptTimeout: 100,
      connectTimeout: 5000,
    });
    expect(socket.remoteAddress).toBe('127.0.0.1');
    const greeting = await new Promise<string>((resolve) =>
      socket.once('data', (d) => resolve(String(d))),
    );
    expect(greeting).toBe('hello\n');
    socket.destroy();
  });

  it('gives up after connectTimeout when the only address is black-holed', {
    timeout: 30_000,
  }, async () => {
    const attempt = connectTcp(`hole.netlab.test:${port}`, {
      servers: [dns.server],
      connectTimeout: 300,
    });
    expect(await codeOf(attempt)).toBe('ERR_CONNECT_TIMEOUT');
  });

  it('stops when its signal aborts', { timeout: 30_000 }, async () => {
    const controller = new AbortController();
    const attempt = connectTcp(`hole.netlab.test:${port}`, {
      servers: [dns.server],
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 200);
    expect(await codeOf(attempt)).toBe('ERR_CONNECT_ABORTED');
    expect(await codeOf(connectTcp(`127.0.0.1:${port}`, { signal: AbortSignal.abort() }))).toBe(
      'ERR_CONNECT_ABORTED',
    );
  });

  it('reports a refused connection with the address it tried', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await connectTcp(`127.0.0.1:${freePort}`).catch((e: AddressError) => e);
    expect((err as AddressError).code).toBe('ERR_CONNECT_FAILED');
    expect((err as AddressError).message).toContain(`127.0.0.1:${freePort}`);
  });

  it('passes DNS and endpoint errors through', async () => {
    expect(await codeOf(connectTcp(`missing.netlab.test:${port}`, { servers: [dns.server] }))).toBe(
      'ERR_DNS_NOT_FOUND',
    );
    expect(() => connectTcp('1.2.3.4')).toThrow(AddressError);
  });
});
