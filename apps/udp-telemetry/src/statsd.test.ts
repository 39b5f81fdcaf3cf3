/** The StatsD/DogStatsD line parser: every metric type, rates, deltas, tags, packed values, bad lines. */
import { describe, expect, it } from 'vitest';
import type { MetricTuple } from './protocol.ts';
import { formatStatsd, parseStatsd, strictNumber } from './statsd.ts';

function parse(text: string) {
  const samples: [string, string, string, number | string, number][] = [];
  const bad: string[] = [];
  const counts = parseStatsd(
    text,
    (name, tagKey, type, value, rate) => {
      samples.push([name, tagKey, type, value, rate]);
      return true;
    },
    (_line, reason) => bad.push(reason),
  );
  return { samples, bad, counts };
}

describe('parseStatsd', () => {
  it('reads each metric type', () => {
    const { samples, counts } = parse('a:1|c\nb:2.5|g\nc:12|ms\nd:3|h\ne:4|d\nf:bob|s');
    expect(counts).toEqual([6, 0]);
    expect(samples).toEqual([
      ['a', '', 'c', 1, 1],
      ['b', '', 'g', 2.5, 1],
      ['c', '', 'ms', 12, 1],
      ['d', '', 'h', 3, 1],
      ['e', '', 'd', 4, 1],
      ['f', '', 's', 'bob', 1],
    ]);
  });

  it('reads sample rates, gauge deltas and sorted DogStatsD tags', () => {
    const { samples } = parse(
      'hits:3|c|@0.1|#zone:b,env:prod\nq:+4|g\nq:-2|g\nt:5|ms|#env:x|c:abc|T1700000000',
    );
    expect(samples).toEqual([
      ['hits', 'env:prod,zone:b', 'c', 3, 0.1],
      ['q', '', 'gd', 4, 1],
      ['q', '', 'gd', -2, 1],
      ['t', 'env:x', 'ms', 5, 1],
    ]);
  });

  it('reads packed DogStatsD values and CRLF lines, skipping empty lines', () => {
    const { samples, counts } = parse('lat:1:2:3|ms|@0.5\r\n\r\nx:1|c\n');
    expect(counts).toEqual([4, 0]);
    expect(samples.map((s) => s[3])).toEqual([1, 2, 3, 1]);
    expect(samples[0]![4]).toBe(0.5);
  });

  it('refuses malformed lines one by one and keeps the good ones', () => {
    const lines = [
      'novalue',
      ':1|c',
      'x:1',
      'x:1|q',
      'x:abc|c',
      'x:|c',
      'x:0x10|c',
      'x:1|c|@0',
      'x:1|c|@2',
      'x:1|c|@abc',
      'x:Infinity|g',
      'x:|s',
      'x:1:a|ms',
      'ok:1|c',
    ];
    const { samples, bad, counts } = parse(lines.join('\n'));
    expect(counts).toEqual([1, 13]);
    expect(samples).toEqual([['ok', '', 'c', 1, 1]]);
    expect(bad).toHaveLength(13);
  });

  it('counts a refused sample (series limit) as bad', () => {
    const counts = parseStatsd('a:1|c\nb:1|c', (name) => name === 'a');
    expect(counts).toEqual([1, 1]);
  });

  it('never throws on arbitrary bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(
        Array.from({ length: i % 64 }, () => Math.floor(Math.random() * 256)),
      );
      const [good, bad] = parseStatsd(bytes.toString('utf8'), () => true);
      expect(good + bad).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('strictNumber', () => {
  it('accepts plain decimals only', () => {
    expect(strictNumber('12')).toBe(12);
    expect(strictNumber('-1.5e3')).toBe(-1500);
    expect(strictNumber('+2')).toBe(2);
    for (const bad of ['', ' 1', '0x1', 'Infinity', 'NaN', '1e999', '-', '.'])
      expect(strictNumber(bad)).toBeNaN();
  });
});

describe('formatStatsd', () => {
  it('writes what parseStatsd reads back', () => {
    const tuples: MetricTuple[] = [
      ['a', 'c', 2, 0.5, ['env:prod']],
      ['g', 'g', -5, 1, []],
      ['g', 'gd', 3, 1, []],
      ['g', 'gd', -3, 1, []],
      ['s', 's', 'bob', 1, []],
    ];
    const text = tuples.map(formatStatsd).join('\n');
    expect(text).toBe('a:2|c|@0.5|#env:prod\ng:0|g\ng:-5|g\ng:+3|g\ng:-3|g\ns:bob|s');
    expect(parse(text).counts).toEqual([6, 0]);
  });
});
