/** Hostile input against the collector as its own process: every refusal counted by reason, RSS bounded, a good source unharmed. */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeDatagram } from './codec.ts';
import {
  type CollectorProcess,
  eventually,
  sendPaced,
  seriesValue,
  startCollectorProcess,
} from './collector-process.ts';
import { MAX_STREAMS } from './http.ts';
import { parseStatsd } from './statsd.ts';

const MiB = 1024 * 1024;
let collector: CollectorProcess | undefined;
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
});

/** The well-behaved source: our datagram with src and seq, one counter +1 per datagram. */
let goodSeq = 0;
const good = () =>
  encodeDatagram({
    src: 'good',
    seq: goodSeq++,
    ts: Date.now(),
    m: [['good.requests', 'c', 1, 1, ['env:prod']]],
  });

/** Interleaves one good datagram after every `every` hostile ones. */
function* withGood(hostile: Iterable<string | Buffer>, every = 50) {
  let n = 0;
  for (const payload of hostile) {
    yield payload;
    if (++n % every === 0) yield good();
  }
  yield good();
}

/** After the attack the good source's counter and loss are exact. */
async function expectGoodIntact(c: CollectorProcess) {
  const [requests, datagrams, lost, dropped] = await eventually(
    () =>
      c.values([
        'good_requests_total{env="prod"}',
        'telemetry_source_datagrams_total{source="good"}',
        'telemetry_source_lost_total{source="good"}',
        'telemetry_kernel_dropped_total',
      ]),
    ([r]) => r === goodSeq,
  );
  expect(requests).toBe(goodSeq);
  expect(datagrams).toBe(goodSeq);
  expect(lost).toBe(0);
  expect(dropped).toBe(0);
}

const refused = (reason: string) => `telemetry_refused_samples_total{reason="${reason}"}`;

async function baseline(c: CollectorProcess) {
  await sendPaced(c, [good()]);
  await c.scrape();
  return c.rss();
}

describe('hostile input', { timeout: 240_000 }, () => {
  it("refuses the issue's 2,500 datagrams of 60,000-character names, with RSS bounded", async () => {
    goodSeq = 0;
    collector = await startCollectorProcess(['--interval', '500ms']);
    const base = await baseline(collector);
    let peak = 0;
    const attack = function* () {
      for (let i = 0; i < 2500; i++) {
        yield `${String(i).padStart(6, '0')}${'n'.repeat(60_000)}:1|c`;
        if (i % 100 === 0) peak = Math.max(peak, collector!.rss());
      }
    };
    await sendPaced(collector, withGood(attack()));
    expect(await collector.value(refused('name_too_long'))).toBe(2500);
    const text = await collector.scrape();
    expect(text.length).toBeLessThan(64 * 1024);
    await expectGoodIntact(collector);
    peak = Math.max(peak, collector.rss());
    expect(peak - base).toBeLessThan(100 * MiB);
  });

  it('holds no more than its byte budget, and gives the memory back once the series expire', async () => {
    goodSeq = 0;
    const budget = 32 * MiB;
    collector = await startCollectorProcess([
      ...['--interval', '2s', '--expire', '3', '--max-bytes', '32MiB'],
    ]);
    const base = await baseline(collector);
    // Distinct timers with 200-character names and 50 tags of 150 characters: each fits the
    // limits (and is charged ~33 KB, so ~1,000 fill the budget), together they are far over it.
    const tags = Array.from({ length: 50 }, (_, t) => `t${t}:${'v'.repeat(145)}`).join(',');
    let next = 0;
    const line = () => `${String(next++).padStart(8, '0')}${'s'.repeat(192)}:1|ms|#${tags}`;
    // 8 lines (~62 KB) a datagram, 32 datagrams a round: 256 new series.
    const round = function* () {
      for (let d = 0; d < 32; d++) yield Array.from({ length: 8 }, line).join('\n');
    };
    // Series idle for 3 intervals (6 to 8 s) expire and give their bytes back, so the budget
    // is only reached if ~1,000 series arrive within that. Reading all of /metrics between
    // batches (megabytes of these timers once a flush has them) once made the fill too slow
    // for that under load: it stalled below the budget, nothing refused. So the flood reads
    // only the collector's own lines, and goes on in rounds until a budget's worth more has
    // been refused, or it broke the budget, or 40 rounds (10,240 series) were offered.
    let peak = 0;
    let held = 0;
    let refusals = 0;
    for (let r = 0; r < 40 && refusals < 1000 && held <= budget; r++) {
      await sendPaced(collector, withGood(round(), 4), 8, async () => {
        peak = Math.max(peak, collector!.rss());
        const [bytes, refusedNow] = await collector!.values([
          'telemetry_held_bytes',
          refused('byte_budget'),
        ]);
        held = Math.max(held, bytes!);
        refusals = refusedNow!;
      });
    }
    expect(held).toBeLessThanOrEqual(budget);
    expect(held).toBeGreaterThan(16 * MiB);
    expect(
      await collector.value(refused('byte_budget')),
      `no refusal after ${next} series: did they expire (3 x 2 s) before the budget filled?`,
    ).toBeGreaterThan(0);
    expect(peak - base).toBeLessThan(budget * 4);
    await expectGoodIntact(collector);
    // Idle for --expire intervals: every series goes, and so does the memory.
    const after = await eventually(
      async () => ({ series: await collector!.value('telemetry_series'), rss: collector!.rss() }),
      (s) => s.series === 0 && s.rss - base < 24 * MiB,
      30_000,
    );
    expect(after.series).toBe(0);
    expect(await collector.value('telemetry_held_bytes')).toBe(0);
    expect(after.rss - base).toBeLessThan(24 * MiB);
  });

  it('keeps no datagram alive through the names it holds', async () => {
    goodSeq = 0;
    collector = await startCollectorProcess(['--interval', '500ms', '--expire', '1000']);
    const base = await baseline(collector);
    // Each datagram: 60,000 bytes of a bad line, then one good line naming a new series. V8
    // would make the name a slice pointing into the whole datagram's text, 3,000 x 60 KB.
    const attack = function* () {
      for (let i = 0; i < 3000; i++)
        yield `${'x'.repeat(60_000)}\nheld.series.name.${String(i).padStart(6, '0')}:1|c`;
    };
    let peak = 0;
    await sendPaced(collector, withGood(attack()), 100, async () => {
      peak = Math.max(peak, collector!.rss());
    });
    expect(await collector.value('telemetry_bad_lines_total')).toBe(3000);
    expect(await collector.value('telemetry_series')).toBe(3001);
    await expectGoodIntact(collector);
    expect(Math.max(peak, collector.rss()) - base).toBeLessThan(100 * MiB);
  });

  it('counts max-size, many-line, garbage, invalid UTF-8, extreme-number and bad-rate input exactly', async () => {
    goodSeq = 0;
    // Nothing expires during the test: every scrape after the last send sees the same series.
    collector = await startCollectorProcess(['--interval', '500ms', '--expire', '1000']);
    const base = await baseline(collector);
    const manyLines = Array.from({ length: 7000 }, (_, i) => `m.${i % 7}:1|c`).join('\n');
    const maxSize = `max:1|c\n${'x'.repeat(65_507 - 8 - 5)}:1|c`; // 65,507: the IPv4 maximum
    const garbage = Buffer.from(Array.from({ length: 1400 }, (_, i) => (i * 37 + 11) & 0xff));
    garbage[0] = 0x41; // starts like a StatsD name, so it is parsed as text
    const invalidUtf8 = Buffer.concat([
      Buffer.from('bad'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(':1|c'),
    ]);
    const extremes = [
      'e.big:1e308|c|@0.1', // counts as 1e309: refused, out_of_range
      'e.gauge:1e308|g\ne.gauge:+1e308|g', // the delta overflows: refused, out_of_range
      'e.nan:NaN|g', // bad line
      'e.inf:Infinity|ms', // bad line
      'e.huge:1e999|h', // bad line
      'e.rate0:1|c|@0', // bad line
      'e.rateneg:1|c|@-1', // bad line
      'e.member:|s', // bad line
      `e.member:${'m'.repeat(300)}|s`, // refused, member_too_long
      `e.tags:1|c|#${Array.from({ length: 60 }, (_, i) => `k${i}`).join(',')}`, // too_many_tags
      `e.tag:1|c|#${'t'.repeat(300)}`, // tag_too_long
    ];
    const payloads = [manyLines, maxSize, invalidUtf8, ...extremes];
    await sendPaced(collector, withGood([...payloads, ...Array(20).fill(garbage)], 5));
    const text = await eventually(
      () => collector!.scrape(),
      (t) => seriesValue(t, 'max_total') === 1,
    );
    expect(seriesValue(text, refused('out_of_range'))).toBe(2);
    expect(seriesValue(text, refused('member_too_long'))).toBe(1);
    expect(seriesValue(text, refused('too_many_tags'))).toBe(1);
    expect(seriesValue(text, refused('tag_too_long'))).toBe(1);
    expect(seriesValue(text, refused('name_too_long'))).toBe(1); // the 65,494-character name
    expect(seriesValue(text, 'm_0_total')).toBe(1000);
    // Invalid UTF-8 decodes as U+FFFD, which maps to `_` like any other non-name character.
    expect(seriesValue(text, 'bad__total')).toBe(1);
    const [, badInGarbage] = parseStatsd(garbage.toString('utf8'), () => true);
    expect(seriesValue(text, 'telemetry_bad_lines_total')).toBe(6 + 20 * badInGarbage);
    await expectGoodIntact(collector);
    expect(collector.rss() - base).toBeLessThan(100 * MiB);
  });

  it('keeps real sources through a spray of 10,001 fake src ids, and says what it evicted', async () => {
    goodSeq = 0;
    // Sources silent for --expire intervals are forgotten; here none may be before the spray ends.
    collector = await startCollectorProcess(['--interval', '500ms', '--expire', '1000']);
    const base = await baseline(collector);
    for (let i = 0; i < 5; i++) await sendPaced(collector, [good()]); // seen more than once
    const fake = (i: number, seq: number) =>
      encodeDatagram({ src: `fake-${i}`, seq, ts: 0, m: [['fake.hits', 'c', 1, 1, []]] });
    const spray = function* () {
      for (let i = 0; i < 10_001; i++) yield fake(i, 0);
    };
    await sendPaced(collector, withGood(spray(), 100), 200);
    // 10,001 fakes and one real source: 10,002 sources for 10,000 places.
    expect(await collector.value('telemetry_sources_evicted_total')).toBe(2);
    expect(collector.stderr()).toMatch(/source evicted: "fake-0" \(1 datagrams/);
    // A spoofed sequence number far ahead: a restart, not 9e15 lost; the good source goes on.
    await sendPaced(collector, [encodeDatagram({ src: 'good', seq: 2 ** 53 - 1, ts: 0, m: [] })]);
    goodSeq = 0; // the real agent, unaware, carries on where it was: another restart
    await sendPaced(collector, [good(), good()]);
    const text = await collector.scrape();
    expect(seriesValue(text, 'telemetry_source_restarts_total{source="good"}')).toBe(2);
    expect(seriesValue(text, 'telemetry_source_lost_total{source="good"}')).toBe(0);
    // 10,000 sources (their ids, counts and 512-byte bitmaps) and a /metrics of 70,000 lines.
    expect(collector.rss() - base).toBeLessThan(128 * MiB);
  });

  it('reports a source evicted after all as resumed, with its gap counted, and logs at a bounded rate', async () => {
    collector = await startCollectorProcess(['--interval', '500ms', '--max-sources', '2']);
    const d = (src: string, seq: number) =>
      encodeDatagram({ src, seq, ts: 0, m: [['r.hits', 'c', 1, 1, [`src:${src}`]]] });
    await sendPaced(collector, [d('a', 0), d('a', 1), d('b', 0), d('b', 1)]);
    await sendPaced(collector, [d('c', 0), d('c', 1)]); // evicts a, the least recently seen
    for (let i = 0; i < 20; i++) await sendPaced(collector, [d(`x${i}`, 0)]); // one-shot churn
    await sendPaced(collector, [d('a', 5)]);
    const text = await collector.scrape();
    expect(seriesValue(text, 'telemetry_source_resumed_total{source="a"}')).toBe(1);
    expect(seriesValue(text, 'telemetry_source_lost_total{source="a"}')).toBe(3);
    expect(seriesValue(text, 'telemetry_source_datagrams_total{source="a"}')).toBe(3);
    expect(seriesValue(text, 'telemetry_sources_evicted_total')).toBe(22);
    const logged = collector.stderr().match(/^source evicted: /gm) ?? [];
    expect(logged.length).toBeLessThanOrEqual(5);
    expect(collector.stderr()).toMatch(/source evicted: "a" \(2 datagrams.*counted as resumed/);
  });

  it('serves a slow reader and a crowd of scrapes without holding them all, the good source intact', async () => {
    goodSeq = 0;
    // Nothing expires during the test: every scrape after the last send sees the same series.
    collector = await startCollectorProcess(['--interval', '500ms', '--expire', '1000']);
    const base = await baseline(collector);
    const many = function* () {
      for (let i = 0; i < 400; i++)
        yield Array.from({ length: 50 }, (_, k) => `crowd.${i}.${k}:${k}|ms|#env:x`).join('\n');
    };
    await sendPaced(collector, withGood(many(), 20));
    const last = 'crowd_399_49_seconds_count{env="x"} 1\n';
    const size = (
      await eventually(
        () => collector!.scrape(),
        (t) => t.endsWith(last),
      )
    ).length;
    expect(size).toBeGreaterThan(1 * MiB);
    // A reader that asks and never reads: the collector writes until the socket is full, then waits.
    const slow = net.connect(collector.httpPort, '127.0.0.1');
    slow.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
    slow.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const crowd = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`http://127.0.0.1:${collector!.httpPort}/metrics`).then(async (r) => ({
          status: r.status,
          body: await r.text(),
        })),
      ),
    );
    const ok = crowd.filter((r) => r.status === 200);
    const busy = crowd.filter((r) => r.status === 503);
    expect(ok.length + busy.length).toBe(30);
    expect(ok.length).toBeGreaterThan(0);
    // Every body that began is whole: it ends with the last family's last line.
    for (const r of ok) expect(r.body.endsWith(last)).toBe(true);
    expect(await collector.value('telemetry_scrapes_refused_total')).toBe(busy.length);
    await expectGoodIntact(collector);
    // The bound, from the design, with sizes measured for these 20,000 timers after a forced
    // collection: the series tables ~10 MiB over a ~12 MiB baseline heap; a flush's snapshot
    // and its family index ~8.5 MiB, held by `last` and by each of at most MAX_STREAMS bodies
    // in progress (a body keeps the snapshot it began with, and flushes come every 500 ms), so
    // live <= 12 + 10 + (1 + 8) x 8.5 = 98.5 MiB. What dies is collected only once the old
    // generation has grown by V8's growing factor; `pnpm collector` fixes it at 1.5
    // (--heap-growing-percent=50; V8's own choice goes up to 4, which let RSS reach 162 MiB
    // over the baseline here, mostly garbage). So the heap stays under 1.5 x 98.5 MiB, i.e.
    // 136 MiB over the baseline heap, plus the young generation's two 2 MiB semispaces: 140 MiB.
    // No body is held whole: a copy per scrape (4-7 MiB each) or a queue ahead of 'drain'
    // would add to this, and 31 of them could not fit.
    const bound = 1.5 * (12 + 10 + (1 + MAX_STREAMS) * 8.5) - 12 + 2 * 2;
    expect(collector.rss() - base).toBeLessThan(bound * MiB);
    slow.destroy();
  });
});
