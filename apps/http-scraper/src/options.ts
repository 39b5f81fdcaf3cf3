/** The crawl's options, their defaults, and the identity the crawler announces. */
import type { FieldSpec } from './field.ts';
import type { Resolve } from './net-policy.ts';
import type { Format } from './output.ts';

export const VERSION = '0.1.0';
/** RFC 9309 §2.5: a crawler must parse at least the first 500 KiB of a robots.txt. */
export const ROBOTS_MIN_BYTES = 500 * 1024;
/**
 * Honest by default: who we are and what we obey; robots.txt groups match the product token
 * `netlab-http-scraper`. Add a way to reach you with --user-agent ("MyBot/1.0 (+mailto:...)").
 */
export const DEFAULT_USER_AGENT = `netlab-http-scraper/${VERSION} (polite crawler; obeys robots.txt)`;

/** This run's counts: URLs finished (failures included), known but not finished, given up on. */
export interface CrawlProgress {
  done: number;
  queued: number;
  failed: number;
}

export interface CrawlOptions {
  seeds: string[];
  /** State and output folder; the same folder resumes the crawl. */
  out: string;
  format: Format;
  select: FieldSpec[];
  /** Links followed from the seeds (0: seeds only). */
  depth: number;
  /** Stop once this many URLs are finished (fetched, failed or excluded). */
  maxPages: number;
  allowDomains: string[];
  include: string[];
  exclude: string[];
  concurrency: number;
  perHost: number;
  /** Minimum milliseconds between request starts to one host (robots' Crawl-delay can raise it). */
  delayMs: number;
  robots: boolean;
  sitemaps: boolean;
  userAgent: string;
  retries: number;
  retryBaseMs: number;
  retryCapMs: number;
  /** A Retry-After longer than this gives up on the URL instead of waiting. */
  maxRetryAfterMs: number;
  maxRedirects: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Longest one response may take, headers and body together (a trickle ends here). */
  deadlineMs: number;
  maxBodyBytes: number;
  /** robots.txt is read up to this many bytes, whatever --max-body says (RFC 9309 §2.5). */
  maxRobotsBytes: number;
  /** Content types to parse (`text/html`, `text/*`); others are counted and skipped. */
  accept: string[];
  cacheDir?: string;
  offline: boolean;
  /** Networks connected to although internal (`--allow-net`, CIDRs or addresses). */
  allowNets: string[];
  /** DNS servers (`--dns`, `127.0.0.1:5353`); none: the system's resolver. */
  dnsServers: string[];
  /** Resolves host names for connections; default: `dnsServers` or the system's. Tests inject one. */
  resolve?: Resolve;
  /** Start over even if the folder holds an earlier crawl. */
  fresh: boolean;
  /** Milliseconds between fdatasync calls on the state files. */
  syncMs: number;
  signal?: AbortSignal;
  /** Called about every 200 ms, and once at the end, with this run's counts so far. */
  onProgress?: (progress: CrawlProgress) => void;
  /** `--trace`: one line per request and response. */
  trace?: (line: string) => void;
}

export const DEFAULTS: Omit<CrawlOptions, 'seeds'> = {
  out: 'crawl-out',
  format: 'jsonl',
  select: [{ name: 'title', css: 'title' }],
  depth: Number.POSITIVE_INFINITY,
  maxPages: Number.POSITIVE_INFINITY,
  allowDomains: [],
  include: [],
  exclude: [],
  concurrency: 16,
  perHost: 4,
  delayMs: 0,
  robots: true,
  sitemaps: true,
  userAgent: DEFAULT_USER_AGENT,
  retries: 3,
  retryBaseMs: 500,
  retryCapMs: 30_000,
  maxRetryAfterMs: 120_000,
  maxRedirects: 5,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  // Room for the headers timeout and then a --max-body page at ~100 KB/s.
  deadlineMs: 60_000,
  maxBodyBytes: 5 * 1024 * 1024,
  maxRobotsBytes: ROBOTS_MIN_BYTES,
  accept: ['text/html', 'application/xhtml+xml'],
  offline: false,
  allowNets: [],
  dnsServers: [],
  fresh: false,
  syncMs: 1000,
};

export function resolveOptions(options: Partial<CrawlOptions> & { seeds: string[] }): CrawlOptions {
  // An option given as undefined (a flag not typed) keeps its default.
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  return {
    ...DEFAULTS,
    ...(Object.fromEntries(given) as Partial<CrawlOptions>),
    seeds: options.seeds,
  };
}
