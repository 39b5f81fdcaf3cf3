/** robots.txt (RFC 9309): groups, Allow/Disallow with * and $, Crawl-delay, Sitemap lines. */

/** What the crawler asks of a host's robots.txt. */
export interface Robots {
  /** Whether a URL of this host may be fetched (the caller keeps to the file's host). */
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

interface Rule {
  pattern: string;
  allow: boolean;
  test: (path: string) => boolean;
}
interface Group {
  rules: Rule[];
  crawlDelay?: number;
}

/** `Netlab-HTTP-Scraper/0.1 (+https://...)` -> `netlab-http-scraper`: the product token. */
export function productToken(userAgent: string): string {
  return userAgent.toLowerCase().split('/')[0]!.trim();
}

// Percent-escapes compare upper-case, and raw characters compare as their escapes, so
// `/caf%c3%a9`, `/caf%C3%A9` and `/café` are one path (RFC 9309 §2.2.2).
function normaliseEncoding(path: string): string {
  if (/^[\w\-./~*$?=&]*$/.test(path)) return path; // nothing to normalise: the common case
  try {
    return encodeURI(path)
      .replace(/%25/g, '%')
      .replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
  } catch {
    return path; // a lone surrogate: compare as written
  }
}

/**
 * A test for `pattern` (with `*` and a final `$`): true when it matches a prefix of a path, or
 * all of it with `$`. The pattern is cut at its `*`s into literal pieces: the first must start
 * the path, each next one is found after the one before (the leftmost place is always the
 * best, since it leaves the most room for the rest), and with `$` the last must end the path.
 * A pass over the path per piece at worst, and no set of positions per `*`: a 500 KiB rule of
 * `*a*a*a...` against a long path cost seconds per URL that way.
 */
function wildcardTest(pattern: string): (path: string) => boolean {
  const anchored = pattern.endsWith('$');
  const pieces = (anchored ? pattern.slice(0, -1) : pattern).split('*');
  const first = pieces[0]!;
  const last = pieces.length > 1 ? pieces[pieces.length - 1]! : undefined;
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  return (path) => {
    if (!path.startsWith(first)) return false;
    if (last === undefined) return !anchored || path.length === first.length;
    let at = first.length;
    for (const piece of middle) {
      const found = path.indexOf(piece, at);
      if (found < 0) return false;
      at = found + piece.length;
    }
    if (!anchored) return last === '' || path.includes(last, at);
    // A trailing `*$` matches anything; otherwise the last piece ends the path, after `at`.
    return last === '' || (path.length - last.length >= at && path.endsWith(last));
  };
}

function compileRule(pattern: string, allow: boolean): Rule {
  const plain = !pattern.includes('*') && !pattern.endsWith('$');
  // Most rules are plain prefixes (`Disallow: /private/`): a startsWith does.
  return {
    pattern,
    allow,
    test: plain ? (path) => path.startsWith(pattern) : wildcardTest(pattern),
  };
}

/** Parses a robots.txt into groups keyed by product token (`*` for the rest). */
export function parseRobotsTxt(text: string): { groups: Map<string, Group>; sitemaps: string[] } {
  const groups = new Map<string, Group>();
  const sitemaps: string[] = [];
  let agents: string[] = [];
  let lastWasAgent = false;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/#.*$/, '');
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'user-agent') {
      // Consecutive User-agent lines share the group that follows them.
      if (!lastWasAgent) agents = [];
      if (value) agents.push(productToken(value));
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (key === 'sitemap') {
      if (value) sitemaps.push(value);
      continue;
    }
    const rule = key === 'allow' || key === 'disallow';
    if (!rule && key !== 'crawl-delay') continue; // Host:, Noindex: and the like are not RFC 9309
    for (const agent of agents) {
      let group = groups.get(agent);
      if (!group) {
        group = { rules: [] };
        groups.set(agent, group);
      }
      if (rule && value) group.rules.push(compileRule(normaliseEncoding(value), key === 'allow'));
      else if (!rule && !Number.isNaN(Number(value))) group.crawlDelay = Number(value);
    }
  }
  return { groups, sitemaps };
}

/** The path and query of an absolute URL, as robots.txt rules see it. */
function pathOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  if (slash < 0) return '/';
  const hash = url.indexOf('#', slash);
  const path = hash < 0 ? url.slice(slash) : url.slice(slash, hash);
  // An empty query is no query (WHATWG URL's pathname + search).
  return normaliseEncoding(
    path.endsWith('?') && path.indexOf('?') === path.length - 1 ? path.slice(0, -1) : path,
  );
}

/**
 * Builds the rules from a robots.txt response. RFC 9309 §2.3.1.3: a 4xx means there are no
 * rules (crawl everything); §2.3.1.4: a 5xx or a network failure means "assume complete
 * disallow" until the file can be read again. The most specific (longest) matching rule wins;
 * on a tie, Allow wins (§2.2.2).
 */
export function robotsFromResponse(
  _robotsUrl: string,
  status: number | 'unreachable',
  text: string,
  userAgent: string,
): Robots {
  if (status === 'unreachable' || status >= 500) {
    return { isAllowed: () => false, crawlDelayMs: undefined, sitemaps: [], source: 'unreachable' };
  }
  if (status >= 400) return { ...ALLOW_ALL, source: 'missing' };
  const { groups, sitemaps } = parseRobotsTxt(text);
  const group = groups.get(productToken(userAgent)) ?? groups.get('*');
  const rules = group?.rules ?? [];
  const isAllowed = (url: string): boolean => {
    if (rules.length === 0) return true;
    const path = pathOf(url);
    let best: Rule | undefined;
    for (const rule of rules) {
      if (!rule.test(path)) continue;
      const longer = !best || rule.pattern.length > best.pattern.length;
      if (longer || (rule.pattern.length === best!.pattern.length && rule.allow)) best = rule;
    }
    return best?.allow ?? true;
  };
  const delay = group?.crawlDelay;
  return {
    isAllowed,
    crawlDelayMs: delay !== undefined && delay >= 0 ? delay * 1000 : undefined,
    sitemaps,
    source: 'ok',
  };
}
