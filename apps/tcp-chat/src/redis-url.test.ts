/** `--redis URL` and the client's server list: what they accept and the codes they refuse with. */
import { describe, expect, it } from 'vitest';
import { parseServers } from './client-cli.ts';
import { parseRedisUrl } from './redis-url.ts';

describe('parseRedisUrl', () => {
  it('reads redis:// URLs and bare endpoints, IPv6 included', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380', {})).toEqual({ host: '127.0.0.1', port: 6380 });
    expect(parseRedisUrl('redis://[::1]/2', {})).toEqual({ host: '::1', port: 6379, db: 2 });
    expect(parseRedisUrl('127.0.0.1:7000', { TCP_CHAT_REDIS_PASSWORD: 's3cret' })).toEqual({
      host: '127.0.0.1',
      port: 7000,
      password: 's3cret',
    });
    expect(parseRedisUrl('redis://chat@127.0.0.1', {})).toMatchObject({ username: 'chat' });
  });

  it('refuses anything else with ERR_BUS_CONFIG', () => {
    for (const bad of [
      'http://127.0.0.1:6379',
      'redis://:hunter2@127.0.0.1:6379',
      'redis://127.0.0.1:99999',
      'redis://127.0.0.1/x',
      'redis://127.0.0.1?db=1',
      'redis://',
    ]) {
      expect(() => parseRedisUrl(bad, {}), bad).toThrow(
        expect.objectContaining({ code: 'ERR_BUS_CONFIG' }),
      );
    }
  });
});

describe('parseServers', () => {
  it('takes comma lists and repeated flags, with the default port', () => {
    expect(parseServers(['127.0.0.1:4040,[::1]:4041', '127.0.0.2'])).toEqual([
      { host: '127.0.0.1', port: 4040 },
      { host: '::1', port: 4041 },
      { host: '127.0.0.2', port: 4040 },
    ]);
    expect(parseServers([])).toEqual([{ host: '127.0.0.1', port: 4040 }]);
  });

  it('refuses a bad endpoint with the addressing error code', () => {
    expect(() => parseServers(['127.0.0.1:4040,nope:'])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_PORT' }),
    );
  });
});
