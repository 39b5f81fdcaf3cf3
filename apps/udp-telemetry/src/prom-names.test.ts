/** StatsD names as Prometheus names: snake_case, and segments promtool lints joined to their neighbour. */
import { describe, expect, it } from 'vitest';
import { labelBody, metricName } from './prom-names.ts';

describe('metricName', () => {
  it('snake_cases and never starts with a digit', () => {
    expect(metricName('api.requests-2xx')).toBe('api_requests_2xx');
    expect(metricName('apiLatency')).toBe('api_latency');
    expect(metricName('9lives')).toBe('_9lives');
    expect(metricName('weird..name__x')).toBe('weird_name_x');
  });

  it('joins unit abbreviations, type names, non-base units and reserved suffixes to the segment before', () => {
    expect(metricName('a.d')).toBe('ad');
    expect(metricName('a.h')).toBe('ah');
    expect(metricName('cache.hit.s')).toBe('cache_hits');
    expect(metricName('api.latency.ms')).toBe('api_latencyms');
    expect(metricName('disk.kb.used')).toBe('diskkb_used');
    expect(metricName('queue.counter.x')).toBe('queuecounter_x');
    expect(metricName('uptime.days')).toBe('uptimedays');
    expect(metricName('days.up')).toBe('daysup');
    expect(metricName('jobs.count')).toBe('jobscount');
    expect(metricName('count.jobs')).toBe('count_jobs'); // only a last `count` is reserved
    expect(metricName('ms.total')).toBe('mstotal');
    expect(metricName('days')).toBe('statsddays');
    // The first segment may be an abbreviation: promtool only looks after an underscore.
    expect(metricName('s.up')).toBe('s_up');
  });
});

describe('labelBody', () => {
  it('escapes values, keeps the first of a repeated key, and renames reserved keys', () => {
    expect(labelBody(['env:prod', 'env:dev', 'canary', 'quantile:x', '__a:b', 'p:"q"\\'])).toBe(
      'env="prod",canary="true",tagquantile="x",_a="b",p="\\"q\\"\\\\"',
    );
  });
});
