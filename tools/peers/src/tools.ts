/** ensurePython, ensurePromtool, ensureScrapy, ensureGcc: the tools tests and benches run beside the peers, installed when missing. */
import { ensureInstalled, type Needs } from './install.ts';
import { GCC, PROMTOOL, PYTHON, SCRAPY } from './tool-requirements.ts';

/** The first path of `needs`, installing its packages when missing. */
async function first(needs: Needs): Promise<string> {
  const [path] = await ensureInstalled(needs.packages, needs.paths);
  return path!;
}

/** Debian's /usr/bin/python3 with python3-msgpack (the oracle interpreter). @returns its path. */
export function ensurePython(): Promise<string> {
  return first(PYTHON);
}

/** Prometheus' `promtool` (lints metric expositions). @returns its path. */
export function ensurePromtool(): Promise<string> {
  return first(PROMTOOL);
}

/** Debian's /usr/bin/python3 with python3-scrapy (Scrapy 2.8, a crawler to compare with). @returns its path. */
export function ensureScrapy(): Promise<string> {
  return first(SCRAPY);
}

/** Debian's gcc with the C library headers, for a bench's C load generator. @returns its path. */
export function ensureGcc(): Promise<string> {
  return first(GCC);
}
