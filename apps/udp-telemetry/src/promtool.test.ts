/** The /metrics exposition checked by Prometheus' own linter, `promtool check metrics`. */
import { spawnSync } from 'node:child_process';
import { ensurePromtool } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './client.ts';
import { type Running, sendRaw, startCollector, waitUntil } from './test-helpers.ts';

let running: Running;
let promtool: string;

beforeAll(async () => {
  promtool = await ensurePromtool(); // installs Debian's prometheus package when missing
  running = await startCollector();
}, 300_000);
afterAll(() => running?.collector.close());

function check(text: string) {
  const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const scrape = async () => (await fetch(`http://127.0.0.1:${running.httpPort}/metrics`)).text();

describe('promtool check metrics', { timeout: 300_000 }, () => {
  it('passes before any flush', async () => {
    expect(check(await scrape())).toEqual({ status: 0, output: '' });
  });

  it('passes with every metric type, awkward names and awkward tag values', async () => {
    await sendRaw(running.port, [
      'api.requests-2xx:3|c|#env:prod,route:/v1/"users"',
      'api.requests-2xx:1|c|#env:dev',
      'apiLatency:12|ms|#region:eu\\west',
      '9lives:1|g',
      'queue.depth:+5|g',
      'payload:300|h|#canary',
      'payload.dist:0.5|d',
      'visitors:anna|s|#quantile:x',
      'weird..name__x:1|c',
      'clash.name:1|c',
      'clash_name:2|c',
      'clash.name:3|g',
      'clash_name_total:4|g',
    ]);
    const agent = await connect({ port: running.port, flushMs: 0, hostMetrics: { intervalMs: 0 } });
    agent.sampleHost();
    agent.increment('agent.hits', 1, { tags: ['multi:line\nvalue'] });
    await agent.close();
    const { collector } = running;
    expect(await waitUntil(() => collector.status().samples === 13 + agent.stats.samples)).toBe(
      true,
    );
    collector.flush();
    const text = await scrape();
    expect(text).toContain('api_requests_2xx_total{env="prod",route="/v1/\\"users\\""} 3\n');
    expect(text).toContain('api_latency_seconds{region="eu\\\\west",quantile="0.5"} 0.012');
    expect(text).toContain('# TYPE payload summary\n');
    expect(text).toContain('telemetry_source_datagrams_total{source=');
    expect(check(text)).toEqual({ status: 0, output: '' });
  });

  it('leaves out what an idle interval did not see: no NaN quantiles, no 0 sets', async () => {
    running.collector.flush();
    const text = await scrape();
    expect(text).not.toContain('NaN');
    expect(text).not.toContain('quantile=');
    expect(text).not.toMatch(/^visitors_unique/m);
    // The cumulative parts of a summary stay true across idle intervals.
    expect(text).toContain('api_latency_seconds_sum{region="eu\\\\west"} 0.012\n');
    expect(text).toContain('api_latency_seconds_count{region="eu\\\\west"} 1\n');
    expect(check(text)).toEqual({ status: 0, output: '' });
  });

  it('passes with names whose segments look like units, types or reserved suffixes', async () => {
    const names = ['a.d', 'a.h', 'a.s', 'b.ms', 'c.kb.used', 'uptime.days', 'cache.counter.x'];
    names.push('jobs.count', 'req.sum', 'le.bucket', 'total.total', 'days', 'x.kilo.bytes');
    const lines = names.flatMap((n) => [
      `${n}:1|c`,
      `${n}:2|g`,
      `${n}:3|ms`,
      `${n}:4|h`,
      `${n}:z|s`,
    ]);
    await sendRaw(running.port, [lines.join('\n')]);
    const { collector } = running;
    const before = collector.status().samples;
    expect(await waitUntil(() => collector.status().samples >= before + lines.length)).toBe(true);
    collector.flush();
    const text = await scrape();
    // A unit-like segment is joined to the one before it.
    expect(text).toContain('\nad_total 1\n');
    expect(text).toContain('\nas 2\n');
    expect(text).toContain('\nah_seconds_count 2\n');
    expect(text).toContain('\nbms_seconds_count 2\n');
    expect(text).toContain('\nuptimedays 2\n');
    expect(text).toContain('\njobscount 2\n');
    expect(check(text)).toEqual({ status: 0, output: '' });
  });
});
