/** startRedis against real redis-server: RESP PING on a raw socket, redis-cli, restart, stop. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

  it('two servers run side by side and stop() leaves nothing behind', async () => {
    const other = await startRedis();
    expect(other.port).not.toBe(redis.port);
    expect(await redisPing(other.port)).toBe(true);
    await other.stop();
    expectStopped(other.pid, other.stateDir);
    await other.stop(); // a second stop is harmless
  });
});
