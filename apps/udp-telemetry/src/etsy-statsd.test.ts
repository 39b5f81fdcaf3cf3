/** Etsy's StatsD daemon as a real peer: it reads what our agent writes, and what --forward sends. */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './client.ts';
import { type Running, startCollector, waitUntil } from './test-helpers.ts';

async function freePort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Asks StatsD's management console one command (`counters`, `gauges`, `timers`). */
function ask(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`${command}\n`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
      if (text.includes('END')) {
        socket.end();
        resolve(text);
      }
    });
    socket.on('error', reject);
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error(`no answer to ${command} within 2 s`));
    });
  });
}

/** `{ 'a.b': 5, c: 2 }` as StatsD prints it (util.inspect) -> the number for `key`. */
function statOf(dump: string, key: string): number | undefined {
  const match = new RegExp(`'?${key.replace(/\./g, '\\.')}'?: (-?[\\d.e+]+)`).exec(dump);
  return match ? Number(match[1]) : undefined;
}

let statsd: ChildProcess;
let udpPort: number;
let mgmtPort: number;
let dir: string;
let running: Running | undefined;

beforeAll(async () => {
  udpPort = await freePort();
  mgmtPort = await freePort();
  dir = mkdtempSync(path.join(os.tmpdir(), 'etsy-statsd-'));
  const config = path.join(dir, 'config.js');
  // No backends and a long flush: StatsD keeps what it parsed for the management console.
  writeFileSync(
    config,
    JSON.stringify({
      port: udpPort,
      address: '127.0.0.1',
      mgmt_address: '127.0.0.1',
      mgmt_port: mgmtPort,
      flushInterval: 3_600_000,
      backends: [],
    }),
  );
  const stats = createRequire(import.meta.url).resolve('statsd/stats.js');
  statsd = spawn(process.execPath, [stats, config], { cwd: path.dirname(stats), stdio: 'ignore' });
  // Ready once its management console answers (bounded: 300 tries, 50 ms apart).
  let answered = false;
  for (let i = 0; i < 300 && !answered && statsd.exitCode === null; i++) {
    answered = await ask(mgmtPort, 'counters').then(
      () => true,
      () => false,
    );
    if (!answered) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(answered).toBe(true);
}, 60_000);

afterAll(async () => {
  await running?.collector.close();
  if (statsd.exitCode === null) {
    const exited = new Promise((resolve) => statsd.once('exit', resolve));
    statsd.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("Etsy's StatsD reads our StatsD text", { timeout: 60_000 }, () => {
  it('from the agent with --format statsd: counters, gauges with deltas and negatives, timers, sets', async () => {
    const agent = await connect({ port: udpPort, format: 'statsd', flushMs: 0 });
    for (let i = 0; i < 50; i++) agent.increment('peer.hits', 2);
    agent.increment('peer.sampled', 1, { sampleRate: 0.999999 });
    agent.gauge('peer.level', 10);
    agent.gaugeDelta('peer.level', -3);
    agent.gauge('peer.negative', -5);
    for (let i = 1; i <= 20; i++) agent.timing('peer.latency', i);
    agent.set('peer.users', 'ann');
    agent.set('peer.users', 'bob');
    await agent.close();
    // StatsD parses each datagram as it arrives: poll its console until the last one is in.
    let counters = '';
    const arrived = await waitUntil(() => {
      ask(mgmtPort, 'counters').then(
        (text) => {
          counters = text;
        },
        () => {},
      );
      return statOf(counters, 'statsd.packets_received') === agent.stats.datagrams;
    });
    expect(arrived).toBe(true);
    expect(statOf(counters, 'peer.hits')).toBe(100);
    expect(statOf(counters, 'statsd.bad_lines_seen')).toBe(0);
    const gauges = await ask(mgmtPort, 'gauges');
    expect(statOf(gauges, 'peer.level')).toBe(7);
    expect(statOf(gauges, 'peer.negative')).toBe(-5);
    const timers = await ask(mgmtPort, 'timers');
    expect(timers).toMatch(/'peer\.latency': \[\s*1,\s*2,/);
  });

  it('from the collector with --forward: each flush arrives as StatsD lines', async () => {
    running = await startCollector({ forward: { host: '127.0.0.1', port: udpPort } });
    const agent = await connect({ port: running.port, flushMs: 0 });
    for (let i = 0; i < 30; i++) agent.increment('fwd.orders', 1, { tags: ['env:prod'] });
    agent.gauge('fwd.temperature', 21);
    for (let i = 1; i <= 10; i++) agent.timing('fwd.latency', i * 10);
    await agent.close();
    const { collector } = running;
    expect(await waitUntil(() => collector.status().samples === 41)).toBe(true);
    collector.flush();
    let counters = '';
    const arrived = await waitUntil(() => {
      ask(mgmtPort, 'counters').then(
        (text) => {
          counters = text;
        },
        () => {},
      );
      return statOf(counters, 'fwd.orders;env=prod') === 30;
    });
    expect(arrived).toBe(true);
    expect(statOf(counters, 'fwd.latency.count')).toBe(10);
    expect(statOf(counters, 'statsd.bad_lines_seen')).toBe(0);
    const gauges = await ask(mgmtPort, 'gauges');
    expect(statOf(gauges, 'fwd.temperature')).toBe(21);
    expect(statOf(gauges, 'fwd.latency.max')).toBe(100);
  });
});
