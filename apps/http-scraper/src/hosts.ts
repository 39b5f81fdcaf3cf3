/** Per-host politeness: a slot count, a minimum gap between requests, and the host's robots.txt. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpContext } from './cached-get.ts';
import type { CrawlOptions } from './options.ts';
import type { Robots } from './robots.ts';
import { loadRobots } from './robots-fetch.ts';
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
