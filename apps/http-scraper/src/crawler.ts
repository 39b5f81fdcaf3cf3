/** The crawl loop: takes URLs from the store, keeps every host's limits, commits each result. */
import fs from 'node:fs';
import path from 'node:path';
import { debuglog } from 'node:util';
import { HttpCache } from './cache.ts';
import { CrawlError } from './errors.ts';
import { createExtractor } from './extract.ts';
import { acceptTypes, Fetcher } from './fetcher.ts';
import { HostRegistry, type HostState } from './hosts.ts';
import { type CrawlOptions, resolveOptions } from './options.ts';
import { createOutput } from './output.ts';
import { fetchPage, type HttpContext, type Outcome } from './page.ts';
import { createRecorder, type Recorder } from './results.ts';
import { backoffMs } from './retry.ts';
import { discoverSitemaps } from './seeds.ts';
import { emptySummary, type Summary } from './stats.ts';
import { CrawlStore, type FrontierEntry, lockState } from './store.ts';
import { createScope, hostKey, normalizeUrl } from './url.ts';

const debug = debuglog('http-scraper');

interface Retry {
  entry: FrontierEntry;
  attempt: number;
  at: number;
}

/** Hosts' waiting entries held in memory at most; the rest of the frontier stays on disk. */
const PARKED_MAX = 2048;
/** Longest a finished page waits in memory before its commit is written. */
const FLUSH_MS = 10;

/**
 * Crawls from `seeds` into `options.out`, resuming what an earlier run there left unfinished.
 * @returns the summary of this run.
 */
export async function crawl(input: Partial<CrawlOptions> & { seeds: string[] }): Promise<Summary> {
  const crawler = new Crawler(resolveOptions(input));
  return crawler.run();
}

class Crawler {
  readonly stats: Summary = emptySummary();
  readonly #o: CrawlOptions;
  #hosts!: HostRegistry;
  #record!: Recorder;
  readonly #retries: Retry[] = [];
  readonly #attempts = new Map<number, number>();
  #store!: CrawlStore;
  #ctx!: HttpContext;
  #inflight = 0;
  #parked = 0;
  #wake: (() => void) | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #flushSoon: NodeJS.Timeout | undefined;
  #lastFlush = 0;
  readonly #scope: (url: string) => boolean;
  readonly #extract;
  readonly #output;
  readonly #accept;

  constructor(options: CrawlOptions) {
    this.#o = options;
    const seeds = options.seeds.map((seed) => {
      const url = normalizeUrl(seed);
      if (url === null) throw new CrawlError('ERR_BAD_URL', `not an http(s) URL: '${seed}'`);
      return url;
    });
    this.#o.seeds = seeds;
    this.#scope = createScope({
      seedHosts: seeds.map(hostKey),
      allowDomains: options.allowDomains,
      include: options.include,
      exclude: options.exclude,
    });
    this.#extract = createExtractor(options.select);
    this.#output = createOutput(
      options.format,
      options.select.map((s) => s.name),
    );
    this.#accept = acceptTypes(options.accept);
  }

  async run(): Promise<Summary> {
    const started = performance.now();
    if (this.#o.fresh) fs.rmSync(this.#o.out, { recursive: true, force: true });
    const unlock = lockState(this.#o.out);
    const fetcher = new Fetcher({ ...this.#o, connections: this.#o.perHost });
    try {
      this.#store = new CrawlStore(this.#o.out, {
        output: this.#output.file,
        header: this.#output.header,
      });
      this.stats.resumed = this.#store.resumedDone;
      const cache = this.#o.cacheDir ? new HttpCache(this.#o.cacheDir) : undefined;
      this.#ctx = {
        fetcher,
        cache,
        offline: this.#o.offline,
        stats: this.stats,
        trace: this.#o.trace,
      };
      this.#hosts = new HostRegistry(this.#ctx, this.#o);
      const format = this.#output.format;
      this.#record = createRecorder(
        this.#store,
        this.stats,
        this.#o,
        this.#scope,
        this.#extract,
        format,
      );
      for (const seed of this.#o.seeds) if (this.#scope(seed)) this.#store.add(seed, 0);
      if (this.#o.sitemaps) await this.#sitemaps();
      this.#flushTimer = setInterval(() => this.#tick(), 200);
      await this.#loop();
    } catch (error) {
      if ((error as { code?: string }).code !== 'ABORT_ERR') throw error;
    } finally {
      clearInterval(this.#flushTimer);
      clearTimeout(this.#flushSoon);
      if (this.#store) this.#progress();
      this.stats.interrupted = this.#o.signal?.aborted === true;
      await this.#store?.close();
      await fetcher.close();
      unlock();
    }
    this.stats.pending = this.#store.pending;
    this.stats.seconds = (performance.now() - started) / 1000;
    return this.stats;
  }

  // Commits reach the file within ~10 ms (batched under load), so a kill -9 loses almost
  // nothing that was finished: at worst the pages in flight plus those last few milliseconds.
  #scheduleFlush(): void {
    if (this.#flushSoon !== undefined) return;
    const wait = Math.max(0, FLUSH_MS - (performance.now() - this.#lastFlush));
    this.#flushSoon = setTimeout(() => {
      this.#flushSoon = undefined;
      this.#lastFlush = performance.now();
      this.#store.flush(this.#o.syncMs);
    }, wait);
  }

  #tick(): void {
    debug(
      'in flight %d, parked %d, done %d, pending %d, write %d ms',
      this.#inflight,
      this.#parked,
      this.#store.doneCount,
      this.#store.pending,
      Math.round(this.#store.writeMs),
    );
    this.#store.flush(this.#o.syncMs);
    this.#progress();
  }

  // This run's work only, so that the rate and ETA are not inflated by a resumed crawl.
  #progress(): void {
    const done = this.#store.doneCount - this.stats.resumed;
    this.#o.onProgress?.(done, done + this.#store.pending);
  }

  // Seeds' sitemaps, once per crawl folder: a marker file records that they were read.
  async #sitemaps(): Promise<void> {
    const marker = path.join(this.#o.out, 'sitemaps.done');
    if (fs.existsSync(marker)) return;
    for (const origin of new Set(this.#o.seeds.map((s) => new URL(s).origin))) {
      const host = await this.#hosts.ready(normalizeUrl(origin)!);
      const urls = await discoverSitemaps(this.#ctx, host, this.#o);
      for (const url of urls)
        if (this.#scope(url) && host.robots!.isAllowed(url)) this.#store.add(url, 0);
    }
    this.#store.flush(0);
    fs.writeFileSync(marker, '');
  }

  async #loop(): Promise<void> {
    for (;;) {
      // After an abort, nothing new starts; what is in flight finishes and is committed.
      const nextAt = this.#o.signal?.aborted ? undefined : this.#dispatch();
      if (this.#inflight === 0 && nextAt === undefined) return;
      await this.#sleep(nextAt === undefined ? 1000 : Math.max(0, nextAt - performance.now()));
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#wake?.(), ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  /** Starts whatever may start now; returns when something waiting becomes ready, if anything waits. */
  #dispatch(): number | undefined {
    const now = performance.now();
    let nextAt: number | undefined;
    const later = (t: number): void => {
      nextAt = nextAt === undefined ? t : Math.min(nextAt, t);
    };
    // Retries whose backoff is over go first.
    for (let i = 0; i < this.#retries.length; i++) {
      const retry = this.#retries[i]!;
      if (retry.at > now) {
        later(retry.at);
        continue;
      }
      this.#retries.splice(i--, 1);
      this.#hosts.of(retry.entry.url).unshift(retry.entry);
      this.#parked++;
    }
    this.#fill();
    for (const host of this.#hosts.values()) {
      while (host.waiting > 0 && this.#inflight < this.#o.concurrency && !this.#full()) {
        if (host.robots === undefined) {
          if (!host.loading) {
            void this.#hosts.ready(host.origin).then(
              () => this.#wake?.(),
              (e) => this.#fatal(e),
            );
          }
          break;
        }
        if (host.active >= this.#o.perHost) break;
        if (host.nextAt > now) {
          later(host.nextAt);
          break;
        }
        this.#parked--;
        this.#start(host.shift()!, host, now);
      }
      if (host.waiting > 0 && host.robots === undefined) later(now + 50);
    }
    return nextAt;
  }

  // Moves entries from the store to their hosts' queues, up to the in-memory bound.
  #fill(): void {
    while (this.#parked < PARKED_MAX) {
      const entry = this.#store.next();
      if (entry === undefined) return;
      this.#hosts.of(entry.url).queue.push(entry);
      this.#parked++;
    }
  }

  #full(): boolean {
    return this.#store.doneCount + this.#inflight >= this.#o.maxPages;
  }

  #fatal(error: unknown): void {
    this.#o.trace?.(`fatal: ${(error as Error).message}`);
  }

  #start(entry: FrontierEntry, host: HostState, now: number): void {
    if (!host.robots!.isAllowed(entry.url)) {
      this.stats.robotsExcluded++;
      this.#store.commit(entry.id, null, 'robots');
      return;
    }
    host.claim(now);
    host.active++;
    this.#inflight++;
    fetchPage(this.#ctx, entry.url, this.#accept, this.#o.maxRedirects, {
      check: (target) => this.#checkHop(target),
      pace: async (target) => (await this.#hosts.ready(target)).pace(this.#o.signal),
    })
      .catch(
        (error): Outcome => ({
          kind: 'fail',
          code: (error as { code?: string }).code ?? 'ERR_NETWORK',
        }),
      )
      .then((outcome) => this.#finish(entry, outcome))
      .catch((error) => this.#fatal(error))
      .finally(() => {
        host.active--;
        this.#inflight--;
        this.#scheduleFlush();
        this.#wake?.();
      });
  }

  #checkHop(target: string): string | null {
    if (!this.#scope(target)) return 'redirect-out-of-scope';
    if (this.#store.seen.has(target)) return 'redirect-seen';
    const host = this.#hosts.get(target);
    if (host?.robots && !host.robots.isAllowed(target)) return 'robots';
    return null;
  }

  #finish(entry: FrontierEntry, outcome: Outcome): void {
    if (outcome.kind === 'retry' && this.#retry(entry, outcome)) return;
    this.#attempts.delete(entry.id);
    if (outcome.kind === 'page') this.#record.page(entry, outcome);
    else this.#record.settle(entry, outcome);
  }

  /** Schedules another attempt; false when the attempts or the patience are used up. */
  #retry(entry: FrontierEntry, outcome: Extract<Outcome, { kind: 'retry' }>): boolean {
    const attempt = this.#attempts.get(entry.id) ?? 0;
    const wait = outcome.retryAfterMs;
    if (attempt >= this.#o.retries || (wait !== undefined && wait > this.#o.maxRetryAfterMs)) {
      return false;
    }
    this.#attempts.set(entry.id, attempt + 1);
    this.stats.retries++;
    const now = performance.now();
    const backoff = backoffMs(attempt, this.#o.retryBaseMs, this.#o.retryCapMs);
    // Retry-After speaks for the whole host (RFC 9110 §10.2.3): nobody else asks before then.
    if (wait !== undefined) {
      const host = this.#hosts.of(entry.url);
      host.nextAt = Math.max(host.nextAt, now + wait);
    }
    this.#retries.push({ entry, attempt: attempt + 1, at: now + Math.max(backoff, wait ?? 0) });
    return true;
  }
}
