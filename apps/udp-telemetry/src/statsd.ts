/** StatsD and DogStatsD text: `name:value|type|@rate|#tag:v,tag2`, one metric per line. */
import { tagKeyOf } from './aggregator.ts';
import { detach } from './limits.ts';
import type { MetricTuple, MetricType } from './protocol.ts';

/** Receives each good sample; returns true if it took it, else false or why not (counted as bad). */
export type SampleSink = (
  name: string,
  tagKey: string,
  type: MetricType,
  value: number | string,
  rate: number,
) => boolean | string;

const refusal = (why: boolean | string) =>
  `refused: ${typeof why === 'string' ? why : 'by the collector'}`;

/** Told about each bad line, with why. */
export type BadLineHandler = (line: string, reason: string) => void;

/**
 * Parses one datagram of newline-separated lines and hands each sample to `sink`.
 * Returns [good, bad]: samples accepted and lines refused. Never throws.
 * Works on offsets into the datagram's text: the hot path slices only the name (and tags).
 */
export function parseStatsd(
  text: string,
  sink: SampleSink,
  onBad?: BadLineHandler,
): [number, number] {
  let good = 0;
  let bad = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    // Several clients end lines with \r\n; an empty line (trailing newline) is no metric.
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (stop > start) {
      const result = parseLine(text, start, stop, sink);
      if (typeof result === 'number') good += result;
      else {
        bad++;
        onBad?.(text.slice(start, stop), result);
      }
    }
    start = end + 1;
  }
  return [good, bad];
}

/** The type between `from` and `to`, by character codes (no slice, no lookup by string). */
function typeAt(text: string, from: number, to: number): MetricType | undefined {
  const c = text.charCodeAt(from);
  if (to - from === 1) {
    return c === 99
      ? 'c'
      : c === 103
        ? 'g'
        : c === 104
          ? 'h'
          : c === 100
            ? 'd'
            : c === 115
              ? 's'
              : undefined;
  }
  return to - from === 2 && c === 109 && text.charCodeAt(from + 1) === 115 ? 'ms' : undefined;
}

/** Returns the number of samples taken from text[start, stop), or why the line is bad. */
function parseLine(text: string, start: number, stop: number, sink: SampleSink): number | string {
  const colon = text.indexOf(':', start);
  if (colon === start) return 'empty metric name';
  if (colon === -1 || colon >= stop) return 'no ":" after the metric name';
  const pipe = text.indexOf('|', start);
  if (pipe === -1 || pipe >= stop) return 'no "|type" after the value';
  if (pipe < colon) return 'metric name contains "|"';
  let typeEnd = text.indexOf('|', pipe + 1);
  if (typeEnd === -1 || typeEnd > stop) typeEnd = stop;
  let type = typeAt(text, pipe + 1, typeEnd);
  if (type === undefined) return `unknown metric type "${text.slice(pipe + 1, typeEnd)}"`;
  let rate = 1;
  let tagKey = '';
  for (let at = typeEnd; at < stop; ) {
    let next = text.indexOf('|', at + 1);
    if (next === -1 || next > stop) next = stop;
    const first = text.charCodeAt(at + 1);
    if (first === 64 /* @ */) {
      rate = strictNumber(text.slice(at + 2, next));
      if (!(rate > 0 && rate <= 1))
        return `sample rate must be in (0, 1], not "${text.slice(at + 2, next)}"`;
    } else if (first === 35 /* # */) {
      tagKey = normalizeTags(text.slice(at + 2, next));
    }
    // Other DogStatsD fields (c:container id, T timestamp, e:external data) are accepted and ignored.
    at = next;
  }
  const name = text.slice(start, colon);
  if (type === 's') {
    if (pipe === colon + 1) return 'empty set member';
    const taken = sink(name, tagKey, type, text.slice(colon + 1, pipe), rate);
    return taken === true ? 1 : refusal(taken);
  }
  // A gauge value with a sign is a delta (StatsD's rule; set a negative gauge via 0 first).
  const c0 = text.charCodeAt(colon + 1);
  if (type === 'g' && (c0 === 43 || c0 === 45)) type = 'gd';
  let value = plainInteger(text, colon + 1, pipe);
  if (Number.isNaN(value)) {
    const valueText = text.slice(colon + 1, pipe);
    if (valueText.includes(':')) return packed(name, tagKey, type, valueText, rate, sink);
    value = strictNumber(valueText);
    if (Number.isNaN(value)) return `value "${valueText}" is not a number`;
  }
  const taken = sink(name, tagKey, type, value, rate);
  return taken === true ? 1 : refusal(taken);
}

/** DogStatsD packs several values of one metric: `latency:12:15:9|ms`. */
function packed(
  name: string,
  tagKey: string,
  type: MetricType,
  valueText: string,
  rate: number,
  sink: SampleSink,
) {
  const values = valueText.split(':').map(strictNumber);
  if (values.some(Number.isNaN)) return `value "${valueText}" is not a number`;
  for (const value of values) {
    const taken = sink(name, tagKey, type, value, rate);
    if (taken !== true) return refusal(taken);
  }
  return values.length;
}

/** The common case, an optionally signed integer of up to 15 digits, read in place; NaN otherwise. */
function plainInteger(text: string, from: number, to: number): number {
  let i = from;
  const sign = text.charCodeAt(i);
  if (sign === 43 || sign === 45) i++;
  if (i === to || to - i > 15) return Number.NaN;
  let value = 0;
  for (; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return sign === 45 ? -value : value;
}

/**
 * Tags sorted, so the same tags in any order are one series; cached, clients repeat them.
 * Bounded (4096 entries of at most 256 characters, ~4 MiB at worst): longer tag strings
 * are sorted each time and never kept.
 */
const tagCache = new Map<string, string>();
const CACHED_TAGS_MAX = 256;
function normalizeTags(raw: string): string {
  if (raw.indexOf(',') === -1) return raw;
  if (raw.length > CACHED_TAGS_MAX) return tagKeyOf(raw.split(','));
  let key = tagCache.get(raw);
  if (key === undefined) {
    if (tagCache.size >= 4096) tagCache.clear(); // bounded: high-cardinality tags just miss
    // Detached copies: a slice of the datagram would keep the whole datagram alive.
    key = detach(tagKeyOf(raw.split(',')));
    tagCache.set(detach(raw), key);
  }
  return key;
}

/**
 * Number() accepts '', ' 1 ', '0x1f' and 'Infinity'; StatsD values are plain decimals, so allow
 * only digits, sign, point and exponent, then require a finite result. NaN when not.
 */
export function strictNumber(text: string): number {
  if (text.length === 0 || text.length > 64) return Number.NaN;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    // 0-9 . + - e E
    if (
      !((ch >= 48 && ch <= 57) || ch === 46 || ch === 43 || ch === 45 || ch === 101 || ch === 69)
    ) {
      return Number.NaN;
    }
  }
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

/**
 * Formats one sample as StatsD/DogStatsD text. A negative absolute gauge needs two lines
 * (`x:0|g` then `x:-5|g`), since a signed gauge value means a delta.
 */
export function formatStatsd([name, type, value, rate, tags]: MetricTuple): string {
  const suffix = `${rate < 1 ? `|@${rate}` : ''}${tags.length > 0 ? `|#${tags.join(',')}` : ''}`;
  if (type === 'gd') {
    const v = value as number;
    return `${name}:${v >= 0 ? '+' : ''}${v}|g${suffix}`;
  }
  if (type === 'g' && (value as number) < 0)
    return `${name}:0|g${suffix}\n${name}:${value}|g${suffix}`;
  return `${name}:${value}|${type}${suffix}`;
}
