/** What the tools beside the peers need installed (Python oracles, promtool, gcc, netcat, Scrapy): data only, for REQUIREMENTS and tools.ts. */
import type { Needs } from './install.ts';

/** Debian's /usr/bin/python3 with python3-msgpack (the oracle interpreter). */
export const PYTHON = {
  packages: ['python3', 'python3-msgpack'],
  paths: ['/usr/bin/python3', '/usr/lib/python3/dist-packages/msgpack/__init__.py'],
} as const satisfies Needs;

/** Prometheus' promtool (lints metric expositions). */
export const PROMTOOL = {
  packages: ['prometheus'],
  paths: ['/usr/bin/promtool'],
} as const satisfies Needs;

// A C compiler for load generators that must outrun the server they measure (a Node
// generator on the same two cores can be the limit itself).
export const GCC = {
  packages: ['gcc', 'libc6-dev'],
  paths: ['/usr/bin/gcc'],
} as const satisfies Needs;

// OpenBSD's netcat: the books' way to poke at a UDP or TCP port by hand (README transcripts).
export const NETCAT = {
  packages: ['netcat-openbsd'],
  paths: ['/usr/bin/nc.openbsd'],
} as const satisfies Needs;

/** Debian's python3 with python3-scrapy (Scrapy 2.8, a crawler to compare with). */
export const SCRAPY = {
  packages: ['python3', 'python3-scrapy'],
  paths: ['/usr/bin/python3', '/usr/lib/python3/dist-packages/scrapy/__init__.py'],
} as const satisfies Needs;
