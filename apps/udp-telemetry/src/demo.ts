/** `telemetry demo`: a collector and two agents (ours and StatsD text) on loopback, checked end to end. */
import { parseCommandLine } from '@netlab/cli';
import { TelemetryError } from './errors.ts';
import { DEMO_HELP } from './help.ts';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args: argv,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(DEMO_HELP);
    return 0;
  }
  // Loaded only after --help: the collector, the agent and their libraries.
  const [{ createServer }, { connect }, { renderView }] = await Promise.all([
    import('./server.ts'),
    import('./client.ts'),
    import('./render.ts'),
  ]);
  const collector = createServer({ port: 0, http: { host: '127.0.0.1', port: 0 }, intervalMs: 0 });
  const { udp, http } = await collector.listen();
  const base = `http://127.0.0.1:${http!.port}`;
  console.log(`collector listening on udp 127.0.0.1:${udp.port}, http ${base}`);
  try {
    const ours = await connect({ port: udp.port, hostMetrics: { intervalMs: 0 }, flushMs: 0 });
    const text = await connect({ port: udp.port, format: 'statsd', flushMs: 0 });
    for (let i = 1; i <= 500; i++) {
      ours.increment('demo.requests', 1, { tags: ['env:demo'] });
      ours.timing('demo.latency', i);
      ours.set('demo.users', `user${i % 42}`);
      text.increment('demo.jobs');
      text.histogram('demo.payload_bytes', 100 + (i % 10));
    }
    ours.gauge('demo.queue_depth', 7);
    ours.gaugeDelta('demo.queue_depth', -2);
    ours.sampleHost();
    await Promise.all([ours.close(), text.close()]);
    console.log(
      `agent ${ours.source}: ${ours.stats.samples} samples in ${ours.stats.datagrams} MessagePack datagrams`,
    );
    console.log(
      `statsd agent: ${text.stats.samples} samples in ${text.stats.datagrams} text datagrams\n`,
    );
    // Loopback does not lose datagrams at this rate, but a busy machine may take a moment to
    // schedule the reads: wait (at most 10 s) until every datagram sent has been read.
    const sent = ours.stats.datagrams + text.stats.datagrams;
    for (let waited = 0; collector.status().datagrams < sent && waited < 10_000; waited += 20)
      await settle(20);
    const snapshot = collector.flush();
    const view = { status: collector.status(), sources: collector.sources(), snapshot };
    console.log(renderView(view, 12));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const health = await fetch(`${base}/healthz`);
    const checks: [string, boolean][] = [
      [
        'demo.requests{env:demo} = 500',
        snapshot.counters.some((c) => c.name === 'demo.requests' && c.value === 500),
      ],
      [
        'demo.jobs = 500 (StatsD text)',
        snapshot.counters.some((c) => c.name === 'demo.jobs' && c.value === 500),
      ],
      [
        'demo.latency: 500 samples, p50 within 1 % of 250',
        snapshot.timers.some(
          (t) => t.name === 'demo.latency' && t.count === 500 && Math.abs(t.p50 - 250) <= 2.5,
        ),
      ],
      [
        'demo.users: 42 distinct',
        snapshot.sets.some((s) => s.name === 'demo.users' && s.count === 42),
      ],
      [
        'demo.queue_depth = 5 (7, then -2)',
        snapshot.gauges.some((g) => g.name === 'demo.queue_depth' && g.value === 5),
      ],
      [
        `source: ${ours.stats.datagrams} received, 0 lost`,
        collector.sources().some((s) => s.received === ours.stats.datagrams && s.lost === 0),
      ],
      [
        '/metrics has demo_requests_total{env="demo"} 500',
        metrics.includes('demo_requests_total{env="demo"} 500\n'),
      ],
      ['/healthz answers 200', health.status === 200],
    ];
    console.log('');
    for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    const failed = checks.filter(([, ok]) => !ok);
    if (failed.length > 0)
      throw new TelemetryError('ERR_DEMO_FAILED', `${failed.length} checks failed`);
    console.log('\ndemo: all checks passed');
    return 0;
  } finally {
    await collector.close();
  }
}
