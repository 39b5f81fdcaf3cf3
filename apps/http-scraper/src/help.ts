/** The command line's help texts, in a module that imports nothing heavy: `--help` loads only this. */
import { DEFAULT_USER_AGENT } from './options.ts';

export const HELP = `Usage: http-scraper <crawl|fixture> [options]   (--help after a command for its options)\n`;

export const CRAWL_HELP = `Usage: http-scraper crawl <url...> [options]

Crawls from the given URLs, politely, into an output folder that also holds the crawl's
state: run the same command again after a crash (even kill -9) and it resumes.

Scope:        --depth N  --max-pages N  --allow-domain D  --include GLOB  --exclude GLOB
              (same host as the seeds by default; a glob starting with / matches the path)
Politeness:   --concurrency N (16)  --per-host N (4)  --delay MS (0; robots Crawl-delay wins
              when longer; with a delay, one request per host at a time)  --no-robots
              --no-sitemaps  --user-agent UA
              (default: ${DEFAULT_USER_AGENT})
Resilience:   --retries N (3)  --max-retry-after MS (120000)  --max-redirects N (5)
              --connect-timeout MS (10000)  --header-timeout MS (30000)
              --body-timeout MS (30000; silence within the body)
              --deadline MS (60000; a whole response, headers and body)
              --max-body SIZE (5mb)  --max-robots SIZE (500k; robots.txt, read past
              --max-body as RFC 9309 asks, and cut at the last whole line)
              --accept TYPES (text/html,application/xhtml+xml)
Addresses:    --allow-net CIDR (repeatable; e.g. 10.0.0.0/8, fd00::/8, 169.254.169.254)
              --dns IP[:PORT] (DNS server for host names; default: the system's)
              (loopback, private, link-local, unique-local, multicast, reserved and
              unspecified addresses are refused, IPv4-mapped too, checked at connect time;
              a seed on such an address allows its class: a seed on 127.0.0.1, loopback)
Cache:        --cache DIR (conditional requests: a repeat crawl is mostly 304s)  --offline
Output:       -o, --out DIR (crawl-out)  --format jsonl|csv  -s, --select name=css[@attr]
              -c, --config FILE (JSON: {"select": {"title": "h1"}, "depth": 2, ...})
              --fresh (discard the folder's earlier crawl)  --json (summary as JSON)
              -q, --quiet (no progress)  --trace (one line per request)

Example:
  http-scraper crawl http://127.0.0.1:8080/ --select title=h1 --select price=.price --depth 3
  http-scraper crawl http://intranet.test/ --allow-net 10.0.0.0/8 --allow-net fd00::/8
`;

export const FIXTURE_HELP = `Usage: http-scraper fixture [--host H] [--port P] [--pages N] [options]

Serves the deterministic test site: N catalogue pages with a link graph, robots.txt, a
sitemap, redirects and a loop, 429 with Retry-After, flaky 500s, slow, huge, Latin-1,
Shift_JIS and malformed pages.

Options:      --host H (127.0.0.1; host:port works too)  --port P (8080; 0 picks one)
              --pages N (100)  --crawl-delay S  --no-extras  --slow MS (300)
              --log FILE (append each request as a JSON line)

Example:
  http-scraper fixture --port 8080 --pages 1000 --crawl-delay 0.1
`;
