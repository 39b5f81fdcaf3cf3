/** What the ngircd peer needs installed; a module of its own, so whoever starts only ngircd carries no other peer's list. */
import type { Needs } from './install.ts';

/** The ngIRCd IRC server. */
export const NGIRCD = {
  packages: ['ngircd'],
  paths: ['/usr/sbin/ngircd'],
} as const satisfies Needs;
