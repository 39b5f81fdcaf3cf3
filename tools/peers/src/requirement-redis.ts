/** What the Redis peer needs installed; a module of its own, so whoever starts only Redis carries no other peer's list. */
import type { Needs } from './install.ts';

/** Debian's redis-server, with redis-cli. */
export const REDIS = {
  packages: ['redis-server'],
  paths: ['/usr/bin/redis-server', '/usr/bin/redis-cli'],
} as const satisfies Needs;
