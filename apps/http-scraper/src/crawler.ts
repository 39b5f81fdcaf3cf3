/** The crawl: opens the state folder, reads sitemaps, runs the scheduler, commits each result. */
import { debuglog } from 'node:util';
import { HttpCache } from './cache.ts';
import type { HttpContext } from './cached-get.ts';
import { CommitTimer } from './commits.ts';
import { CrawlError } from './errors.ts';
import { createExtractor } from './extract.ts';
import { acceptTypes, Fetcher } from './fetcher.ts';
import { HostRegistry } from './hosts.ts';
import { emptyState, lockState } from './lock.ts';
import { dnsResolve, NetPolicy } from './net-policy.ts';
import { type CrawlOptions, resolveOptions } from './options.ts';
import { createOutput } from './output.ts';
import { createRecorder } from './results.ts';
import { RetryQueue } from './retry.ts';
import { Scheduler } from './scheduler.ts';
import { seedFromSitemaps } from './seeds.ts';
import { bump, emptySummary, failures, type Summary } from './stats.ts';
import { CrawlStore, type FrontierEntry } from './store.ts';
import { createScope, hostKey, MAX_URL_LENGTH, normalizeUrl } from './url.ts';
import { createVisitor } from './visit.ts';

const debug = debuglog('http-scraper');

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
  readonly #scope: (url: string) => boolean;
  readonly #output;
  #hosts!: HostRegistry;
  #store!: CrawlStore;
  #ctx!: HttpContext;
  #scheduler!: Scheduler;
  #commits!: CommitTimer;
  /** Stops the crawl from inside: a state write failed, or something else not a page's fault. */
  readonly #stop = new AbortController();
  #error: unknown;

  constructor(options: CrawlOptions) {
    this.#o = options;
    const seeds = options.seeds.map((seed) => {
      const url = normalizeUrl(seed);
      if (url === null && seed.length > MAX_URL_LENGTH)
        throw new CrawlError('ERR_URL_TOO_LONG', `a seed URL over ${MAX_URL_LENGTH} characters`);
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
    this.#output = createOutput(
      options.format,
      options.select.map((s) => s.name),
    );
  }

  async run(): Promise<Summary> {
    const started = performance.now();
    const interrupt = this.#o.signal;
    this.#o.signal = interrupt
      ? AbortSignal.any([interrupt, this.#stop.signal])
      : this.#stop.signal;
    // The lock first: --fresh must never empty a folder that a live crawl is writing.
    const unlock = lockState(this.#o.out);
    if (this.#o.fresh) emptyState(this.#o.out);
    const o = this.#o;
    const netPolicy = new NetPolicy(
      o.allowNets,
      o.resolve ?? dnsResolve(o.dnsServers),
      (what, error) => {
        bump(this.stats.blocked, what);
        o.trace?.(`! ${error.code} ${error.message}`);
      },
    );
    // A seed on an internal address opens that address's class for the crawl (offline: no
    // connection is made at all).
    if (!o.offline) await netPolicy.allowSeeds(o.seeds);
    if (netPolicy.allowedClasses.size > 0)
      o.trace?.(`net: the seeds allow ${[...netPolicy.allowedClasses].join(', ')} addresses`);
    const fetcher = new Fetcher({ ...o, connections: o.perHost, netPolicy });
    let ticker: NodeJS.Timeout | undefined;
    try {
      this.#open(fetcher);
      for (const seed of this.#o.seeds) if (this.#scope(seed)) this.#store.add(seed, 0);
      if (this.#o.sitemaps)
        await seedFromSitemaps(this.#ctx, this.#hosts, this.#store, this.#scope, this.#o);
      ticker = setInterval(() => this.#tick(), 200);
      await this.#scheduler.run();
    } catch (error) {
      if ((error as { code?: string }).code !== 'ABORT_ERR') throw error;
    } finally {
      clearInterval(ticker);
      this.#commits?.stop();
      if (this.#store) this.#progress();
      this.stats.interrupted = interrupt?.aborted === true;
      try {
        await this.#store?.close();
      } catch (error) {
        this.#fail(error);
      }
      await fetcher.close();
      unlock();
    }
    // Reaches the CLI's runMain: one line (or --json's object) and exit 1.
    if (this.#error !== undefined) throw this.#error;
    this.stats.pending = this.#store.pending + this.#store.deferred;
    this.stats.seconds = (performance.now() - started) / 1000;
    return this.stats;
  }

  // The state folder, the HTTP context and the parts that share them.
  #open(fetcher: Fetcher): void {
    const o = this.#o;
    this.#store = new CrawlStore(o.out, { output: this.#output.file, header: this.#output.header });
    this.stats.resumed = this.#store.resumedDone;
    this.#commits = new CommitTimer(this.#store, o.syncMs, (error) => this.#fail(error));
    const cache = o.cacheDir ? new HttpCache(o.cacheDir) : undefined;
    this.#ctx = { fetcher, cache, offline: o.offline, stats: this.stats, trace: o.trace };
    this.#hosts = new HostRegistry(this.#ctx, o);
    this.#ctx.onSettled = (url) => this.#hosts.get(url)?.settled(performance.now());
    const extract = createExtractor(o.select);
    const record = createRecorder(
      this.#store,
      this.stats,
      o,
      this.#scope,
      extract,
      this.#output.format,
    );
    const retries = new RetryQueue<FrontierEntry>(o.retries, o.retryBaseMs, o.retryCapMs);
    this.#scheduler = new Scheduler({
      concurrency: o.concurrency,
      perHost: o.perHost,
      maxPages: o.maxPages,
      store: this.#store,
      hosts: this.#hosts,
      retries,
      signal: o.signal,
      fetch: createVisitor({
        ctx: this.#ctx,
        hosts: this.#hosts,
        store: this.#store,
        scope: this.#scope,
        accept: acceptTypes(o.accept),
        retries,
        record,
        options: o,
      }),
      // No rule forbids the URLs of a host whose robots.txt could not be read: an error, and
      // left for the next run (CrawlStore), rather than excluded for good.
      excluded: (entry, host) =>
        record.settle(
          entry,
          host.robots?.source === 'unreachable'
            ? { kind: 'fail', code: 'ERR_ROBOTS_UNREACHABLE' }
            : { kind: 'skip', code: 'robots' },
        ),
      settled: () => this.#commits.soon(),
      fatal: (error) => {
        o.trace?.(`fatal: ${(error as Error).message}`);
        this.#fail(error);
      },
    });
  }

  /** Ends the crawl with `error` (the first one): what is in flight finishes, nothing starts. */
  #fail(error: unknown): void {
    if ((error as { code?: string }).code === 'ABORT_ERR') return;
    this.#error ??= error;
    this.#stop.abort();
  }

  #tick(): void {
    try {
      this.#commits.now();
    } catch (error) {
      this.#fail(error);
    }
    if (debug.enabled) {
      const s = this.#scheduler;
      const m = process.memoryUsage();
      const mb = (n: number): number => Math.round(n / 1048576);
      debug(
        'in flight %d, parked %d, done %d, pending %d, write %d ms; rss %d MB, heap %d of %d MB, external %d MB (array buffers %d)',
        ...[s.inflight, s.parked, this.#store.doneCount, this.#store.pending],
        Math.round(this.#store.writeMs),
        ...[m.rss, m.heapUsed, m.heapTotal, m.external, m.arrayBuffers].map(mb),
      );
    }
    this.#progress();
  }

  // This run's work only, so that the rate and ETA are not inflated by a resumed crawl.
  #progress(): void {
    const done = this.#store.doneCount - this.stats.resumed;
    this.#o.onProgress?.({ done, queued: this.#store.pending, failed: failures(this.stats) });
  }
}
