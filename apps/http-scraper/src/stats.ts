/** The crawl's counters and the summary printed at the end. */

/** A host whose robots.txt was not simply read: what happened, and what it did to the host. */
export interface RobotsNote {
  origin: string;
  /**
   * `truncated`: longer than --max-robots, rules read from the part before the cut;
   * `unavailable`: a 4xx, so every URL is allowed; `unreachable`: a 5xx or a network error
   * after every retry, so every URL is disallowed.
   */
  outcome: 'truncated' | 'unavailable' | 'unreachable';
  /** `HTTP 503`, `ERR_NETWORK`, `over 512000 bytes`... */
  reason: string;
  effect: string;
}

export interface Summary {
  /** Rows written (pages fetched, parsed and extracted). */
  pages: number;
  /** Body bytes received (after decompression), cache revalidations excluded. */
  bytes: number;
  requests: number;
  /** 304 Not Modified answers to conditional requests (the cache was fresh). */
  notModified: number;
  /** Pages served from the cache without a request (--offline). */
  offline: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  robotsExcluded: number;
  /** Hosts whose robots.txt was cut, unavailable (4xx) or unreachable. */
  robots: RobotsNote[];
  /** Connections refused by the address policy, by `address (class)`. */
  blocked: Record<string, number>;
  skippedType: number;
  redirects: number;
  retries: number;
  /** URLs finished by earlier runs of this crawl. */
  resumed: number;
  pending: number;
  interrupted: boolean;
  seconds: number;
}

export function emptySummary(): Summary {
  return {
    pages: 0,
    bytes: 0,
    requests: 0,
    notModified: 0,
    offline: 0,
    statuses: {},
    errors: {},
    robotsExcluded: 0,
    robots: [],
    blocked: {},
    skippedType: 0,
    redirects: 0,
    retries: 0,
    resumed: 0,
    pending: 0,
    interrupted: false,
    seconds: 0,
  };
}

/** URLs given up on (errors of every kind, retries used up included). */
export function failures(s: Summary): number {
  let n = 0;
  for (const count of Object.values(s.errors)) n += count;
  return n;
}

export function bump(counts: Record<string, number>, key: string | number): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

const list = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ') || 'none';

/** Notes on robots.txt shown in the human summary at most; --json lists them all. */
const ROBOTS_SHOWN = 5;

function robotsLines(notes: RobotsNote[]): string[] {
  const lines = notes
    .slice(0, ROBOTS_SHOWN)
    .map((n) => `robots     ${n.origin}/robots.txt ${n.outcome} (${n.reason}): ${n.effect}`);
  if (notes.length > ROBOTS_SHOWN)
    lines.push(`robots     and ${notes.length - ROBOTS_SHOWN} more hosts (--json lists them all)`);
  return lines;
}

/** The human summary, one fact per line; a line per host whose robots.txt was not plain. */
export function formatSummary(s: Summary): string {
  const rate = s.seconds > 0 ? (s.pages / s.seconds).toFixed(1) : '0';
  const mib = (s.bytes / 1048576).toFixed(2);
  return [
    `pages      ${s.pages} in ${s.seconds.toFixed(2)} s (${rate}/s), ${mib} MiB`,
    `requests   ${s.requests} (${s.notModified} not modified, ${s.offline} offline, ${s.retries} retries, ${s.redirects} redirects)`,
    `statuses   ${list(s.statuses)}`,
    `errors     ${list(s.errors)}`,
    `excluded   ${s.robotsExcluded} by robots.txt, ${s.skippedType} by content type`,
    ...robotsLines(s.robots),
    ...(Object.keys(s.blocked).length > 0
      ? [`blocked    ${list(s.blocked)} (not connected to; --allow-net CIDR allows)`]
      : []),
    `state      ${s.resumed} finished before this run, ${s.pending} pending${s.interrupted ? ' (interrupted: run the same command to resume)' : ''}`,
  ].join('\n');
}
