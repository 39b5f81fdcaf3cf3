/** StatsD and DogStatsD text: `name:value|type|@rate|#tag:v,tag2`, one metric per line. */
import { tagKeyOf } from './aggregator.ts';
import type { MetricTuple, MetricType } from './protocol.ts';

/** Receives each good sample; returns false if it refused it (counted as bad). */
export type SampleSink = (
  name: string,
  tagKey: string,
  type: MetricType,
  value: number | string,
  rate: number,
) => boolean;

/** Told about each bad line, with why. */
export type BadLineHandler = (line: string, reason: string) => void;

const TYPES: Record<string, MetricType | undefined> = {
  c: 'c',
  g: 'g',
  ms: 'ms',
  h: 'h',
  d: 'd',
  s: 's',
};

/**
 * Parses one datagram of newline-separated lines and hands each sample to `sink`.
 * Returns [good, bad]: samples accepted and lines refused. Never throws.
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
    const stop = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (stop > start) {
      const line = text.slice(start, stop);
      const result = parseLine(line, sink);
      if (typeof result === 'number') good += result;
      else {
        bad++;
        onBad?.(line, result);
      }
    }
    start = end + 1;
  }
  return [good, bad];
}

/** Returns the number of samples taken from the line, or why it is bad. */
function parseLine(line: string, sink: SampleSink): number | string {
  const colon = line.indexOf(':');
  if (colon <= 0) return colon === 0 ? 'empty metric name' : 'no ":" after the metric name';
  const pipe = line.indexOf('|', colon + 1);
  if (pipe === -1) return 'no "|type" after the value';
  const name = line.slice(0, colon);
  if (name.includes('|') || name.includes('#')) return 'metric name contains "|" or "#"';
  let typeEnd = line.indexOf('|', pipe + 1);
  if (typeEnd === -1) typeEnd = line.length;
  let type = TYPES[line.slice(pipe + 1, typeEnd)];
  if (type === undefined) return `unknown metric type "${line.slice(pipe + 1, typeEnd)}"`;
  let rate = 1;
  let tagKey = '';
  for (let at = typeEnd; at < line.length; ) {
    let next = line.indexOf('|', at + 1);
    if (next === -1) next = line.length;
    const first = line.charCodeAt(at + 1);
    if (first === 64 /* @ */) {
      rate = strictNumber(line.slice(at + 2, next));
      if (!(rate > 0 && rate <= 1))
        return `sample rate must be in (0, 1], not "${line.slice(at + 2, next)}"`;
    } else if (first === 35 /* # */) {
      tagKey = tagKeyOf(next > at + 2 ? line.slice(at + 2, next).split(',') : []);
    }
    // Other DogStatsD fields (c:container id, T timestamp, e:external data) are accepted and ignored.
    at = next;
  }
  const valueText = line.slice(colon + 1, pipe);
  if (type === 's') {
    if (valueText === '') return 'empty set member';
    return sink(name, tagKey, type, valueText, rate) ? 1 : 'refused: too many series';
  }
  // A gauge value with a sign is a delta (StatsD's rule; set a negative gauge via 0 first).
  const c0 = valueText.charCodeAt(0);
  if (type === 'g' && (c0 === 43 || c0 === 45)) type = 'gd';
  if (valueText.indexOf(':') === -1) {
    const value = strictNumber(valueText);
    if (Number.isNaN(value)) return `value "${valueText}" is not a number`;
    return sink(name, tagKey, type, value, rate) ? 1 : 'refused: too many series';
  }
  // DogStatsD packs several values of one metric: `latency:12:15:9|ms`.
  const values = valueText.split(':').map(strictNumber);
  if (values.some(Number.isNaN)) return `value "${valueText}" is not a number`;
  for (const value of values)
    if (!sink(name, tagKey, type, value, rate)) return 'refused: too many series';
  return values.length;
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
