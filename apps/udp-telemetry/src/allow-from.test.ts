/** --allow-from on real loopback sockets: datagrams from outside the list dropped, counted, logged; bad values exit 2. */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import path from 'node:path';
import { parseNetwork } from '@netlab/addressing/network';
import { afterEach, describe, expect, it } from 'vitest';
import { AllowList, parseAllowFrom } from './allow-list.ts';
import {
  type CollectorProcess,
  eventually,
  seriesValue,
  startCollectorProcess,
} from './collector-process.ts';
import { type Running, startCollector, waitUntil } from './test-helpers.ts';

const NOT_ALLOWED = 'telemetry_refused_datagrams_total{reason="source_not_allowed"}';
let proc: CollectorProcess | undefined;
const running: Running[] = [];
afterEach(async () => {
  await proc?.stop();
  proc = undefined;
  for (const r of running.splice(0)) await r.collector.close();
});

/** One datagram from a socket bound to `from` (every 127.x.y.z is loopback on Linux). */
async function sendFrom(from: string, to: string, port: number, payload: string) {
  const socket = dgram.createSocket(from.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => socket.bind(0, from, resolve));
  await new Promise<void>((resolve, reject) =>
    socket.send(payload, port, to, (e) => (e ? reject(e) : resolve())),
  );
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

async function collect(host: string, allow: string[]) {
  const r = await startCollector({ host, http: false, allowFrom: parseAllowFrom(allow) });
  running.push(r);
  return r;
}

/** Waits until `n` datagrams were read, then flushes: the counters it took, by name. */
async function countersAfter(r: Running, n: number) {
  expect(await waitUntil(() => r.collector.status().datagrams >= n)).toBe(true);
  return Object.fromEntries(r.collector.flush().counters.map((c) => [c.name, c.value]));
}

describe('--allow-from', { timeout: 120_000 }, () => {
  it('drops, counts and logs a datagram from outside the list and keeps one from inside (CLI process)', async () => {
    proc = await startCollectorProcess([
      '--allow-from',
      '127.0.0.2/32',
      '--interval',
      '200ms',
      '--expire',
      '1000',
    ]);
    await sendFrom('127.0.0.1', '127.0.0.1', proc.udpPort, 'from.one:1|c');
    await sendFrom('127.0.0.2', '127.0.0.1', proc.udpPort, 'from.two:1|c');
    const text = await eventually(
      () => proc!.scrape(),
      (t) => seriesValue(t, 'from_two_total') === 1 && seriesValue(t, NOT_ALLOWED) === 1,
    );
    expect(seriesValue(text, 'from_two_total')).toBe(1);
    expect(seriesValue(text, NOT_ALLOWED)).toBe(1);
    expect(seriesValue(text, 'from_one_total')).toBeUndefined();
    expect(seriesValue(text, 'telemetry_datagrams_received_total')).toBe(2);
    expect(seriesValue(text, 'telemetry_bad_lines_total')).toBe(0);
    const refusals = proc
      .stderr()
      .match(/^datagram from .* refused: source not in --allow-from.*$/gm);
    expect(refusals).toHaveLength(1);
    expect(refusals![0]).toMatch(/^datagram from 127\.0\.0\.1:\d+ refused/);
  });

  it('takes IPv6 rules on ::1: a matching /128 keeps, rules for other networks drop', async () => {
    const allowed = await collect('::1', ['::1']);
    const refused = await collect('::1', ['2001:db8::/32', '127.0.0.0/8']);
    await sendFrom('::1', '::1', allowed.port, 'v6.kept:1|c');
    await sendFrom('::1', '::1', refused.port, 'v6.dropped:1|c');
    expect(await countersAfter(allowed, 1)).toEqual({ 'v6.kept': 1 });
    expect(allowed.collector.status().refusedDatagrams.source_not_allowed).toBe(0);
    expect(await countersAfter(refused, 1)).toEqual({});
    expect(refused.collector.status().refusedDatagrams.source_not_allowed).toBe(1);
    expect(refused.logs.filter((l) => l.startsWith('datagram from [::1]:'))).toHaveLength(1);
  });

  it('matches an IPv4 rule for an IPv4-mapped source (::ffff:127.0.0.2) on an IPv6 socket', async () => {
    // An IPv6 socket bound to ::ffff:127.0.0.1 takes IPv4 datagrams to 127.0.0.1 and reports
    // their senders as ::ffff:a.b.c.d, as a dual-stack socket on :: does.
    const r = await collect('::ffff:127.0.0.1', ['127.0.0.2/32']);
    await sendFrom('127.0.0.1', '127.0.0.1', r.port, 'mapped.one:1|c');
    await sendFrom('127.0.0.2', '127.0.0.1', r.port, 'mapped.two:1|c');
    expect(await countersAfter(r, 2)).toEqual({ 'mapped.two': 1 });
    expect(r.collector.status().refusedDatagrams.source_not_allowed).toBe(1);
    expect(r.logs.filter((l) => l.startsWith('datagram from [::ffff:127.0.0.1]:'))).toHaveLength(1);
  });

  it('refuses bad values as ERR_USAGE naming the value', () => {
    for (const bad of [
      '10.0.0.1/8',
      'bogus',
      '::1/129',
      '1.2.3.4/',
      '',
      '10.0.0.0/8 ',
      'host.test',
    ]) {
      let caught: unknown;
      try {
        parseAllowFrom(['127.0.0.1', bad]);
      } catch (error) {
        caught = error;
      }
      expect((caught as { code?: string }).code, bad).toBe('ERR_USAGE');
      expect((caught as Error).message).toContain(`--allow-from ${JSON.stringify(bad)}`);
    }
    expect(parseAllowFrom(['127.0.0.2', '::1', '10.0.0.0/255.0.0.0']).map(String)).toEqual([
      '127.0.0.2/32',
      '::1/128',
      '10.0.0.0/8',
    ]);
  });

  it('exits 2 with ERR_USAGE on a bad value, as a line and as JSON, and shows an example in --help', async () => {
    const main = path.join(import.meta.dirname, 'main.ts');
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', main, 'collector', ...args]);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    const line = await run(['--port', '0', '--http', 'off', '--allow-from', '10.0.0.1/8']);
    expect(line.code).toBe(2);
    expect(line.stderr).toMatch(
      /^telemetry: ERR_USAGE --allow-from "10\.0\.0\.1\/8": ERR_HOST_BITS_SET/,
    );
    const json = await run(['--allow-from', '::1', '--allow-from', '300.1.1.1', '--json']);
    expect(json.code).toBe(2);
    const { error } = JSON.parse(json.stderr.trim());
    expect(error.code).toBe('ERR_USAGE');
    expect(error.message).toContain('"300.1.1.1"');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Example:[\s\S]*--allow-from 10\.1\.0\.0\/16/);
  });

  it('keeps each verdict right past the bound of its cache', () => {
    const list = new AllowList([parseNetwork('127.0.0.0/24'), parseNetwork('fd00::/8')]);
    // 10,000 distinct addresses: more than the cache holds, so early verdicts are forgotten.
    for (let i = 0; i < 10_000; i++) {
      const address = `127.0.${i >> 8}.${i & 255}`;
      expect(list.allows(address)).toBe(i < 256);
    }
    expect(list.allows('127.0.0.7')).toBe(true);
    expect(list.allows('::ffff:127.0.0.7')).toBe(true);
    expect(list.allows('::ffff:127.0.1.7')).toBe(false);
    expect(list.allows('fd12::1')).toBe(true);
    expect(list.allows('not an address')).toBe(false);
    // The other way round: an IPv4 sender (an IPv4 socket) matches a rule written ::ffff:.
    const mapped = new AllowList([parseNetwork('::ffff:127.0.0.0/120')]);
    expect(mapped.allows('127.0.0.9')).toBe(true);
    expect(mapped.allows('127.0.1.9')).toBe(false);
  });
});
