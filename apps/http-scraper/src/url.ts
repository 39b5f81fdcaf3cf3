/** URL normalisation for dedupe, and the crawl scope (hosts, include/exclude globs). */

/**
 * Longest URL the crawler keeps. RFC 9110 §4.1 asks for at least 8,000 octets; a page's
 * 200 KB href is a trap (every copy would sit in frontier.log and the window), not a page.
 */
export const MAX_URL_LENGTH = 8192;

/**
 * Resolves `href` against `base` and normalises it so that one resource has one spelling:
 * lower-case scheme and host, no default port, no fragment, dot-segments removed (all done by
 * WHATWG URL), plus sorted query parameters and no empty `?`. Non-HTTP schemes give null,
 * and so does anything longer than MAX_URL_LENGTH (before or after resolving).
 * A string `base` must itself be normalised (every URL the crawler holds is).
 */
export function normalizeUrl(href: string, base?: string | URL): string | null {
  if (href.length > MAX_URL_LENGTH) return null;
  const fast = typeof base === 'string' ? simpleRootRelative(href, base) : null;
  if (fast !== null) return fast.length > MAX_URL_LENGTH ? null : fast;
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  if (url.search.length > 1) {
    // Parameter order rarely matters to a server, and sorting catches ?a=1&b=2 vs ?b=2&a=1.
    url.searchParams.sort();
  } else {
    url.search = '';
  }
  return url.href.length > MAX_URL_LENGTH ? null : url.href;
}

// Most links on a page are plain root-relative paths (`/page/7`, `/a/b-c_d.html#top`): for
// those, origin + path is already the normalised form, and building a URL object per link
// (the slow path) would cost more than the rest of the link handling together.
const SIMPLE_PATH = /^\/(?!\/)[A-Za-z0-9\-_~/]*(?:\.[A-Za-z0-9]+)?$/;

function simpleRootRelative(href: string, base: string): string | null {
  const hash = href.indexOf('#');
  const path = hash < 0 ? href : href.slice(0, hash);
  if (!SIMPLE_PATH.test(path) || path.includes('//')) return null;
  const slash = base.indexOf('/', base.indexOf('//') + 2);
  if (!base.startsWith('http')) return null;
  return (slash < 0 ? base : base.slice(0, slash)) + path;
}

/** The host part used for politeness and scope: `127.0.0.1:8080`, `[::1]:80`, `example.org`. */
export function hostKey(url: string): string {
  const start = url.indexOf('//') + 2;
  const end = url.indexOf('/', start);
  return url.slice(start, end < 0 ? url.length : end);
}

/**
 * A glob as a RegExp: `*` any run of characters except `/`, `**` anything, `?` one character.
 * A glob starting with `/` is matched against path and query, anything else against the URL.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '.';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export interface ScopeOptions {
  /** Hosts (`host` or `host:port`) the seeds live on; always allowed. */
  seedHosts: string[];
  /** Extra domains: the domain and all its subdomains. */
  allowDomains: string[];
  include: string[];
  exclude: string[];
}

/** Builds the scope test: same host as a seed (or an allowed domain), included, not excluded. */
export function createScope(options: ScopeOptions): (url: string) => boolean {
  const hosts = new Set(options.seedHosts);
  const domains = options.allowDomains.map((d) => d.toLowerCase());
  const include = options.include.map((g) => ({ path: g.startsWith('/'), re: globToRegExp(g) }));
  const exclude = options.exclude.map((g) => ({ path: g.startsWith('/'), re: globToRegExp(g) }));
  const test = (rule: { path: boolean; re: RegExp }, url: string): boolean => {
    if (!rule.path) return rule.re.test(url);
    const slash = url.indexOf('/', url.indexOf('//') + 2);
    return rule.re.test(slash < 0 ? '/' : url.slice(slash));
  };
  return (url) => {
    const host = hostKey(url);
    if (!hosts.has(host)) {
      const name = host.replace(/:\d+$/, '');
      if (!domains.some((d) => name === d || name.endsWith(`.${d}`))) return false;
    }
    if (include.length > 0 && !include.some((rule) => test(rule, url))) return false;
    return !exclude.some((rule) => test(rule, url));
  };
}
