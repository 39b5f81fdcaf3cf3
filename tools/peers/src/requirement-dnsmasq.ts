/** What the dnsmasq peer needs installed; a module of its own, so whoever starts only dnsmasq carries no other peer's list. */
import type { Needs } from './install.ts';

/** dnsmasq without its system service (the `-base` package): we start it ourselves. */
export const DNSMASQ = {
  packages: ['dnsmasq-base'],
  paths: ['/usr/sbin/dnsmasq'],
} as const satisfies Needs;
