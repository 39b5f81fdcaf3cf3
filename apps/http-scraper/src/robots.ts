/** robots.txt (RFC 9309) through robots-parser, with the RFC's rules for missing and failing files. */
import { createRequire } from 'node:module';

interface RobotsTxt {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
// robots-parser is CommonJS and its typings declare no callable default export.
const robotsParser = createRequire(import.meta.url)('robots-parser') as (
  url: string,
  text: string,
) => RobotsTxt;

/** What the crawler asks of a host's robots.txt. */
export interface Robots {
  isAllowed(url: string): boolean;
  /** Crawl-delay in milliseconds, if the file sets one for our user agent. */
  crawlDelayMs: number | undefined;
  sitemaps: string[];
  /** How the file was obtained, for the summary: `ok`, `missing`, `unreachable`, `ignored`. */
  source: 'ok' | 'missing' | 'unreachable' | 'ignored';
}

export const ALLOW_ALL: Robots = {
  isAllowed: () => true,
  crawlDelayMs: undefined,
  sitemaps: [],
  source: 'ignored',
};

/**
 * Builds the rules from a robots.txt response. RFC 9309 §2.3.1.3: a 4xx means there are no
 * rules (crawl everything); §2.3.1.4: a 5xx or a network failure means "assume complete
 * disallow" until the file can be read again.
 */
export function robotsFromResponse(
  robotsUrl: string,
  status: number | 'unreachable',
  text: string,
  userAgent: string,
): Robots {
  if (status === 'unreachable' || status >= 500) {
    return { isAllowed: () => false, crawlDelayMs: undefined, sitemaps: [], source: 'unreachable' };
  }
  if (status >= 400) return { ...ALLOW_ALL, source: 'missing' };
  const robot = robotsParser(robotsUrl, text);
  const delay = robot.getCrawlDelay(userAgent);
  return {
    // undefined means "not this file's origin": that is for another host's file to decide.
    isAllowed: (url) => robot.isAllowed(url, userAgent) !== false,
    crawlDelayMs: typeof delay === 'number' && delay >= 0 ? delay * 1000 : undefined,
    sitemaps: robot.getSitemaps(),
    source: 'ok',
  };
}
