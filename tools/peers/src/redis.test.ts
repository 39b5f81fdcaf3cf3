/** startRedis against real redis-server: RESP PING on a raw socket, redis-cli, restart, stop. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisPeer, redisPing, startRedis } from './redis.ts';
import { expectStopped, isAlive } from './test-helpers.ts';

describe('startRedis', { timeout: 60_000 }, () => {
  let redis: RedisPeer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('answers PING over raw RESP on 127.0.0.1', async () => {
    expect(redis.host).toBe('127.0.0.1');
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await redisPing(redis.port)).toBe(true);
    expect(isAlive(redis.pid)).toBe(true);
    expect(existsSync(redis.stateDir)).toBe(true);
  });

  it('stores and returns a value through redis-cli', () => {
    const cli = (...args: string[]) =>
      execFileSync('redis-cli', ['-h', redis.host, '-p', String(redis.port), ...args], {
        encoding: 'utf8',
      }).trim();
    expect(cli('SET', 'greeting', 'hello')).toBe('OK');
    expect(cli('GET', 'greeting')).toBe('hello');
    // No persistence configured: `save ""`.
    expect(cli('CONFIG', 'GET', 'save')).toBe('save');
  });

  it('kill() crashes it and restart() brings it back on the same port', async () => {
    const before = redis.pid;
    await redis.kill();
    expect(isAlive(before)).toBe(false);
    expect(await redisPing(redis.port)).toBe(false);
    await redis.restart();
    expect(redis.pid).not.toBe(before);
    expect(await redisPing(redis.port)).toBe(true);
  });

  it('restart() starts empty by default, and keeps data after a SIGKILL with persistence', async () => {
    await redisCommand(redis.port, 'SET', 'k', 'v');
    await redis.kill();
    await redis.restart();
    expect(await redisCommand(redis.port, 'GET', 'k')).toBe('$-1');
    const durable = await startRedis({ persistence: true });
    try {
      expect(await redisCommand(durable.port, 'SET', 'k', 'v')).toBe('+OK');
      await durable.kill();
      await durable.restart();
      expect(await redisCommand(durable.port, 'GET', 'k')).toBe('$1\r\nv');
    } finally {
      await durable.stop();
    }
  });

  it('two servers run side by side and stop() leaves nothing behind', async () => {
    const other = await startRedis();
    expect(other.port).not.toBe(redis.port);
    expect(await redisPing(other.port)).toBe(true);
    await other.stop();
    expectStopped(other.pid, other.stateDir);
    await other.stop(); // a second stop is harmless
  });
});

/** One RESP command over a raw socket; the reply without its final CRLF. */
function redisCommand(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.on('connect', () => {
      const parts = args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`);
      socket.write(`*${args.length}\r\n${parts.join('')}`);
    });
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
      // Simple replies end at the first CRLF; a bulk string "$n" carries one more line.
      const lines = reply.split('\r\n');
      const complete =
        reply.startsWith('$') && reply !== '$-1\r\n' ? lines.length >= 3 : lines.length >= 2;
      if (complete) {
        socket.destroy();
        resolve(reply.replace(/\r\n$/, ''));
      }
    });
    socket.on('error', reject);
  });
}
