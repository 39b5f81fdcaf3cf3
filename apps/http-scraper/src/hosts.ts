/** Per-host politeness: a slot count, a minimum gap between requests, and the host's robots.txt. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Response } from './fetcher.ts';
import type { CrawlOptions } from './options.ts';
import { getWithCache, type HttpContext } from './page.ts';
import { backoffMs } from './retry.ts';
import { ALLOW_ALL, type Robots, robotsFromResponse } from './robots.ts';
import type { RobotsNote } from './stats.ts';
import type { FrontierEntry } from './store.ts';
import { hostKey } from './url.ts';

export class HostState {
  active = 0;
  /** Earliest time (performance.now) the next request may start. */
  nextAt = 0;
  lastStart = Number.NEGATIVE_INFINITY;
  lastEnd = Number.NEGATIVE_INFINITY;
  delayMs: number;
  robots: Robots | undefined;
  /** Set while (and once) robots.txt is being read. */
  loading: Promise<void> | undefined;
  /** Entries taken from the frontier, waiting for this host's next free slot. */
  readonly queue: FrontierEntry[] = [];
  head = 0;

  constructor(
    readonly key: string,
    readonly origin: string,
    delayMs: number,
  ) {
    this.delayMs = delayMs;
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  shift(): FrontierEntry | undefined {
    if (this.head === this.queue.length) return undefined;
    const entry = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head); // compact now and then, not on every shift
      this.head = 0;
    }
    return entry;
  }

  /** Puts an entry back at the front (a retry whose backoff is over). */
  unshift(entry: FrontierEntry): void {
    if (this.head > 0) this.queue[--this.head] = entry;
    else this.queue.unshift(entry);
  }

  /** Claims the next request start: no other starts until the gap has passed. */
  claim(now: number): void {
    this.lastStart = now;
    this.nextAt = now + this.delayMs;
  }

  /**
   * A request ended: with a delay, the next one also waits that long from now. Counting only
   * from starts, a request slow to leave (a new connection, a busy moment) would reach the
   * server less than the delay before the next one; counting from the end too, the server
   * always sees at least the delay between two requests, as Crawl-delay asks.
   */
  settled(now: number): void {
    this.lastEnd = now;
    if (this.delayMs > 0) this.nextAt = Math.max(this.nextAt, now + this.delayMs);
  }

  /**
   * Raises the delay (robots.txt's Crawl-delay), counting from the last request's start and
   * end: robots.txt itself was fetched before its Crawl-delay was known.
   */
  slowDown(delayMs: number): void {
    if (delayMs <= this.delayMs) return;
    this.delayMs = delayMs;
    this.nextAt = Math.max(this.nextAt, this.lastStart + delayMs, this.lastEnd + delayMs);
  }

  /** Waits for this host's next start time, then claims it (redirect hops, robots, sitemaps). */
  async pace(signal?: AbortSignal): Promise<void> {
    // Again until the time has come: a timer counts from the event loop's cached clock, so it
    // can fire a few ms early by performance.now() after a busy turn.
    for (let wait = this.nextAt - performance.now(); wait > 0; ) {
      await sleep(wait, undefined, signal ? { signal } : {});
      wait = this.nextAt - performance.now();
    }
    this.claim(performance.now());
  }
}

/** Every host the crawl has met, by host key. */
export class HostRegistry {
  readonly #hosts = new Map<string, HostState>();

  constructor(
    readonly ctx: HttpContext,
    readonly options: CrawlOptions,
  ) {}

  /** The host of a URL, created on first sight (robots.txt not read yet). */
  of(url: string): HostState {
    const key = hostKey(url);
    let host = this.#hosts.get(key);
    if (host === undefined) {
      host = new HostState(key, new URL(url).origin, this.options.delayMs);
      this.#hosts.set(key, host);
    }
    return host;
  }

  /** The host of a URL once its robots.txt has been read (read once, however many ask). */
  async ready(url: string): Promise<HostState> {
    const host = this.of(url);
    host.loading ??= loadRobots(host, this.ctx, this.options).then((robots) => {
      host.robots = robots;
    });
    await host.loading;
    return host;
  }

  get(url: string): HostState | undefined {
    return this.#hosts.get(hostKey(url));
  }

  values(): IterableIterator<HostState> {
    return this.#hosts.values();
  }
}

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
    await sleep(backoffMs(attempt++, options.retryBaseMs, options.retryCapMs), undefined, {
      signal: options.signal,
    });
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
      if (res.status < 300 || res.status >= 400 || typeof location !== 'string' || hop === 5) {
        return fromResponse(url, res, options.userAgent);
      }
      url = new URL(location, url).href;
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ABORT_ERR') throw error;
    // Offline without a cached copy: the cached pages were fetched under the rules of the time.
    if (code === 'ERR_OFFLINE_MISS') return { robots: { ...ALLOW_ALL, source: 'missing' } };
    ctx.trace?.(`robots ${url}: ${(error as Error).message}`);
    // `ERR_NETWORK: ECONNREFUSED`: the crawler's code, then what the socket said.
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    reason = [code ?? 'network error', ...(typeof cause === 'string' ? [cause] : [])].join(': ');
  }
  return { robots: robotsFromResponse(url, 'unreachable', '', ''), note: unreachable(reason) };
}

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
