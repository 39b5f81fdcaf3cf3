/** `--redis URL`: a redis:// URL (or bare HOST:PORT) into connection options for the Redis bus. */
import { parseEndpoint } from '@netlab/addressing/endpoint';
import { ChatError } from './errors.ts';

export interface RedisBusOptions {
  host: string;
  port: number;
  username?: string;
  /** From the environment (TCP_CHAT_REDIS_PASSWORD), never from a URL on the command line. */
  password?: string;
  db?: number;
  /** Key prefix, so several clusters can share one Redis (default `tcp-chat:`). */
  prefix?: string;
  /** How long a dead server's nicks stay taken; the heartbeat refreshes at a third (15,000). */
  nickTtlMs?: number;
}

export const REDIS_DEFAULT_PORT = 6379;

/**
 * Accepts `redis://HOST[:PORT][/DB]`, `redis://[::1]:6380`, or just `HOST:PORT`. The host and
 * port go through @netlab/addressing like every other endpoint. Throws ChatError
 * ERR_BUS_CONFIG for anything else, including a password in the URL (it would sit in shell
 * history; set TCP_CHAT_REDIS_PASSWORD instead).
 */
export function parseRedisUrl(
  text: string,
  env: Record<string, string | undefined> = process.env,
): RedisBusOptions {
  const bad = (why: string) => new ChatError('ERR_BUS_CONFIG', `--redis ${text}: ${why}`);
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `redis://${text}`);
  } catch {
    throw bad('not a URL (expected redis://HOST:PORT)');
  }
  if (url.protocol !== 'redis:') throw bad(`scheme ${url.protocol} is not redis:`);
  if (url.password) throw bad('no passwords in URLs: set TCP_CHAT_REDIS_PASSWORD');
  if (url.search || url.hash) throw bad('no query or fragment expected');
  let ep: ReturnType<typeof parseEndpoint>;
  try {
    ep = parseEndpoint(url.host, { defaultPort: REDIS_DEFAULT_PORT });
  } catch (err) {
    throw new ChatError('ERR_BUS_CONFIG', `--redis ${text}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,2}$/.test(path)) throw bad(`database "${path}" is not a number`);
  const options: RedisBusOptions = {
    host: ep.zone ? `${ep.host}%${ep.zone}` : ep.host,
    port: ep.port,
  };
  if (path !== '') options.db = Number(path);
  if (url.username) options.username = decodeURIComponent(url.username);
  const password = env.TCP_CHAT_REDIS_PASSWORD;
  if (password) options.password = password;
  return options;
}
