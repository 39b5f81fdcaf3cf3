/** REQUIREMENTS: every peer and tool by name, and ensure(...names) to install several in one apt-get run. */
import { ensureInstalled, type Needs } from './install.ts';
import { DNSMASQ } from './requirement-dnsmasq.ts';
import { DOVECOT } from './requirement-dovecot.ts';
import { NGIRCD } from './requirement-ngircd.ts';
import { REDIS } from './requirement-redis.ts';
import { SSHD } from './requirement-sshd.ts';
import { GCC, NETCAT, PROMTOOL, PYTHON, SCRAPY } from './tool-requirements.ts';

/** What each peer needs: Debian packages and the files that prove they are installed. */
export const REQUIREMENTS = {
  redis: REDIS,
  sshd: SSHD,
  dovecot: DOVECOT,
  dnsmasq: DNSMASQ,
  ngircd: NGIRCD,
  python: PYTHON,
  promtool: PROMTOOL,
  gcc: GCC,
  netcat: NETCAT,
  scrapy: SCRAPY,
} as const satisfies Record<string, Needs>;

/** A name of REQUIREMENTS: 'redis', 'sshd', 'dovecot', 'dnsmasq', 'ngircd', 'python', 'promtool', 'gcc', 'netcat', 'scrapy'. */
export type Requirement = keyof typeof REQUIREMENTS;

/**
 * ensureInstalled for one or more named requirements, in a single apt-get run.
 * @returns The resolved paths of REQUIREMENTS[name].paths, concatenated in order.
 */
export function ensure(...names: Requirement[]): Promise<string[]> {
  const packages = [...new Set(names.flatMap((n) => REQUIREMENTS[n].packages))];
  return ensureInstalled(
    packages,
    names.flatMap((n) => REQUIREMENTS[n].paths),
  );
}
