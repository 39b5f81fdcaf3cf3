/** StatsD names and tags as Prometheus metric and label names that `promtool check metrics` lints clean. */

/**
 * promtool's lint (client_golang's promlint, as in Prometheus 2.42; found by running it over
 * every one- to three-letter segment and the SI prefixes times every unit word) warns, and
 * exits 3, when a metric name has:
 * - a segment after the first that is a unit abbreviation (`_ms`, `_d` in the middle or at the end);
 * - a segment after the first that names a metric type (`_counter_`, `_gauge`...);
 * - anywhere, a unit that is not a base unit (`days`, `kilobytes`, `milliseconds`...);
 * - a `_total`, `_count`, `_sum` or `_bucket` suffix on a family of another type.
 */
const ABBREVIATIONS = new Set(['b', 'd', 'gb', 'h', 'kb', 'm', 'mb', 'ms', 'ns', 'pb', 's']);
for (const word of ['sec', 'tb', 'us']) ABBREVIATIONS.add(word);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary']);
const SUFFIXES = new Set(['total', 'count', 'sum', 'bucket']);
const UNITS =
  'amperes|bits|bytes|calories|celsius|days|fahrenheit|grams|hours|inches|joules|kelvin|' +
  'meters|metres|miles|minutes|ounces|pounds|seconds|volts|weeks|yards';
const PREFIXES =
  'pico|nano|micro|milli|centi|deci|deca|hecto|kilo|kibi|mega|mibi|giga|gibi|tera|tebi|peta|pebi';
const NON_BASE = new RegExp(
  `^(?:(?:${PREFIXES})(?:${UNITS})|bits|calories|days|fahrenheit|hours|inches|miles|minutes|ounces|pounds|weeks|yards)$`,
);

const linted = (segment: string, at: number, last: boolean) =>
  NON_BASE.test(segment) ||
  (at > 0 && (ABBREVIATIONS.has(segment) || TYPES.has(segment) || (last && SUFFIXES.has(segment))));

/**
 * A StatsD name as a Prometheus metric name: `api.requests-2xx` -> `api_requests_2xx`,
 * camelCase -> snake_case, never a leading digit. A segment promtool would read as a unit, a
 * type or a reserved suffix is joined to the segment before it (`cache.hit.s` -> `cache_hits`,
 * `api.latency.ms` -> `api_latencyms`, `uptime.days` -> `uptimedays`), so every name lints
 * clean whatever the StatsD client chose; the same StatsD name maps the same for every type.
 */
export function metricName(name: string): string {
  let mapped = cache.get(name);
  if (mapped === undefined) {
    if (cache.size >= 50_000) cache.clear(); // bounded: a scrape of more series just recomputes
    mapped = map(name);
    cache.set(name, mapped);
  }
  return mapped;
}

/** Scrapes map the same names again and again; names are at most 200 characters, so this is small. */
const cache = new Map<string, string>();

function map(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/__+/g, '_');
  const segments = snake.split('_');
  // Each join removes a segment, so this ends; one pass usually suffices.
  for (let i = 0; i < segments.length; ) {
    if (segments[i] === '' || !linted(segments[i]!, i, i === segments.length - 1)) {
      i++;
      continue;
    }
    if (i > 0) {
      segments[i - 1] += segments[i]!;
      segments.splice(i, 1);
      i--;
    } else if (segments.length > 1) {
      segments[0] += segments[1]!;
      segments.splice(1, 1);
    } else {
      segments[0] = `statsd${segments[0]}`; // a lone `days`: no neighbour to join
      i++;
    }
  }
  const n = segments.join('_');
  return /^[a-z_]/.test(n) ? n : `_${n}`;
}

/** A tag key as a label name; `__` is reserved to Prometheus and `quantile` to summaries. */
export function labelName(key: string): string {
  let n = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/__+/g, '_');
  if (!/^[a-z_]/.test(n)) n = `_${n}`;
  return n.startsWith('__') || n === 'quantile' ? `tag${n}` : n;
}

/** DogStatsD tags as the inside of a label set: `env:prod` -> env="prod", `canary` -> canary="true". */
export function labelBody(tags: readonly string[]): string {
  let body = '';
  const used = new Set<string>();
  for (const tag of tags) {
    const colon = tag.indexOf(':');
    const key = labelName(colon === -1 ? tag : tag.slice(0, colon));
    if (used.has(key)) continue; // Prometheus allows a label once; the first value wins.
    used.add(key);
    body += `${body === '' ? '' : ','}${key}="${escapeLabel(colon === -1 ? 'true' : tag.slice(colon + 1))}"`;
  }
  return body;
}

export const escapeLabel = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
export const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
