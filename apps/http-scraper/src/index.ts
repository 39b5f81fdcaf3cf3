/** @netlab/http-scraper: a polite, resumable crawler, and the fixture site it is tested on. */
export { crawl } from './crawler.ts';
export { CrawlError, type CrawlErrorCode } from './errors.ts';
export { createExtractor } from './extract.ts';
export { type FieldSpec, parseFieldSpec } from './field.ts';
export {
  createFixtureServer,
  type FixtureOptions,
  type FixtureServer,
  type LogEntry,
} from './fixture/server.ts';
export { type CrawlOptions, type CrawlProgress, DEFAULT_USER_AGENT } from './options.ts';
export { type Robots, robotsFromResponse } from './robots.ts';
export { formatSummary, type RobotsNote, type Summary } from './stats.ts';
export { normalizeUrl } from './url.ts';
