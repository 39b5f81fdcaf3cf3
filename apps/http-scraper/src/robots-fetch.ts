/** Fetching a host's robots.txt: retries, RFC 9309's size and status rules, notes for the summary. */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '@netlab/cli';
import { getWithCache, type HttpContext } from './cached-get.ts';
import type { Response } from './fetcher.ts';
import type { HostState } from './hosts.ts';
import type { CrawlOptions } from './options.ts';
import { ALLOW_ALL, type Robots, robotsFromResponse } from './robots.ts';
import type { RobotsNote } from './stats.ts';

/**
 * Reads a host's robots.txt (paced like any request to the host) and applies its Crawl-delay.
 * An unreachable file (5xx, network error) is tried again with backoff before the RFC's
 * "complete disallow" applies. What was not plain (cut, 4xx, unreachable) goes in the summary.
 */
export async function loadRobots(
  host: HostState,
  ctx: HttpContext,
  options: CrawlOptions,
): Promise<Robots> {
  if (!options.robots) return ALLOW_ALL;
  let read = await readRobots(host, ctx, options);
  for (let attempt = 0; read.robots.source === 'unreachable' && attempt < options.retries; ) {
    const wait = backoffDelay(attempt++, {
      baseMs: options.retryBaseMs,
      capMs: options.retryCapMs,
    });
    await sleep(wait, undefined, { signal: options.signal });
    read = await readRobots(host, ctx, options);
  }
  const { robots, note } = read;
  if (note) ctx.stats.robots.push({ origin: host.origin, ...note });
  if (robots.crawlDelayMs !== undefined) host.slowDown(robots.crawlDelayMs);
  ctx.trace?.(`robots ${host.origin}: ${robots.source}, delay ${host.delayMs} ms`);
  return robots;
}

type Note = Omit<RobotsNote, 'origin'>;

// One attempt, following up to five redirects (RFC 9309 §2.3.1.2).
async function readRobots(
  host: HostState,
  ctx: HttpContext,
  options: CrawlOptions,
): Promise<{ robots: Robots; note?: Note }> {
  let url = `${host.origin}/robots.txt`;
  // RFC 9309 §2.5: parse at least the first 500 KiB, whatever the limit on pages is.
  const limit = { maxBytes: options.maxRobotsBytes, truncate: true };
  let reason: string;
  try {
    for (let hop = 0; ; hop++) {
      await host.pace(options.signal);
      const res = await getWithCache(ctx, url, () => true, limit);
      const location = res.headers.location;
      if (res.status < 300 || res.status >= 400 || typeof location !== 'string') {
        return fromResponse(url, res, options.userAgent);
      }
      // §2.3.1.2: past five redirects, the file may be taken as unavailable.
      if (hop === 5) return { robots: { ...ALLOW_ALL, source: 'missing' }, note: tooManyRedirects };
      url = new URL(location, url).href;
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ABORT_ERR') throw error;
    // Offline without a cached copy: the cached pages were fetched under the rules of the time.
    if (code === 'ERR_OFFLINE_MISS') return { robots: { ...ALLOW_ALL, source: 'missing' } };
    // An address the policy refuses: no rules to read, and each URL is then refused at its own
    // connection and journaled ERR_BLOCKED_ADDRESS, rather than held as robots-unreachable.
    if (code === 'ERR_BLOCKED_ADDRESS') return { robots: { ...ALLOW_ALL, source: 'missing' } };
    ctx.trace?.(`robots ${url}: ${(error as Error).message}`);
    // `ERR_NETWORK: ECONNREFUSED`: the crawler's code, then what the socket said.
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    reason = [code ?? 'network error', ...(typeof cause === 'string' ? [cause] : [])].join(': ');
  }
  return { robots: robotsFromResponse(url, 'unreachable', '', ''), note: unreachable(reason) };
}

const tooManyRedirects: Note = {
  outcome: 'unavailable',
  reason: 'over 5 redirects',
  effect: 'every URL allowed (RFC 9309 §2.3.1.2)',
};

const unreachable = (reason: string): Note => ({
  outcome: 'unreachable',
  reason,
  effect: 'every URL disallowed for this run, and left for the next (RFC 9309 §2.3.1.4)',
});

function fromResponse(
  url: string,
  res: Response,
  userAgent: string,
): { robots: Robots; note?: Note } {
  let body = res.body ?? Buffer.alloc(0);
  if (res.truncated) {
    // A rule cut in half (`Disallow: /ab` of `/abcdef`) would forbid more than the file
    // does: parse only up to the last whole line.
    const end = Math.max(body.lastIndexOf(10), body.lastIndexOf(13));
    body = body.subarray(0, end + 1);
  }
  const robots = robotsFromResponse(url, res.status, body.toString('utf8'), userAgent);
  if (robots.source === 'unreachable') return { robots, note: unreachable(`HTTP ${res.status}`) };
  if (res.status >= 400) {
    const effect = 'every URL allowed (RFC 9309 §2.3.1.3)';
    return { robots, note: { outcome: 'unavailable', reason: `HTTP ${res.status}`, effect } };
  }
  if (!res.truncated) return { robots };
  const effect = `rules from the first ${body.length} bytes, up to the last whole line`;
  return {
    robots,
    note: { outcome: 'truncated', reason: `over ${res.body!.length} bytes`, effect },
  };
}
