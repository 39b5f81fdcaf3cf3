/** The command line as a user runs it: collector, agent and top as real processes, exit codes, --forward. */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Running, startCollector, waitUntil } from './test-helpers.ts';

const main = path.join(import.meta.dirname, 'main.ts');
const children: ChildProcess[] = [];
let running: Running | undefined;

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await running?.collector.close();
  running = undefined;
});

function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { ...process.env, NO_COLOR: '1' },
  });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c) => (out.stdout += c));
  child.stderr.on('data', (c) => (out.stderr += c));
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code) => resolve(code ?? -1)),
  );
  return { child, out, exited };
}

async function run(args: string[]) {
  const { out, exited } = start(args);
  const code = await exited;
  return { code, ...out };
}

describe('telemetry command line', { timeout: 120_000 }, () => {
  it('runs collector, agent and top together, and stops cleanly on SIGTERM', async () => {
    const collector = start([
      'collector',
      '--port',
      '0',
      '--http',
      '127.0.0.1:0',
      '--interval',
      '300ms',
      // Sources and series idle for 6 intervals (1.8 s) are forgotten; a loaded machine can
      // take longer than that between the agent's last datagram and the final flush.
      '--expire',
      '1000',
      '--json',
    ]);
    expect(
      await waitUntil(() => /udp 127\.0\.0\.1:\d+, http/.test(collector.out.stderr), 30_000),
    ).toBe(true);
    const [, udp, http] = /udp 127\.0\.0\.1:(\d+), http http:\/\/127\.0\.0\.1:(\d+)/.exec(
      collector.out.stderr,
    )!;
    const agent = await run([
      'agent',
      '--port',
      udp!,
      '--interval',
      '100ms',
      '--count',
      '3',
      '--json',
      '--source',
      'cli-agent',
    ]);
    expect(agent.code).toBe(0);
    const sends = agent.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(sends).toHaveLength(3);
    const datagrams = sends[2].datagrams as number;
    expect(
      await waitUntil(() => collector.out.stdout.includes('"source":"cli-agent"'), 30_000),
    ).toBe(true);
    const top = await run(['top', '--http', `127.0.0.1:${http}`, '--count', '1']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/source\s+cli-agent\s+received \d+\s+lost 0/);
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);
    const flushes = collector.out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const last = flushes.at(-1);
    expect(last.sources).toEqual([
      expect.objectContaining({ source: 'cli-agent', received: datagrams, lost: 0 }),
    ]);
    expect(
      flushes.some((f) =>
        f.snapshot.gauges.some((g: { name: string }) => g.name === 'host.cpu.percent'),
      ),
    ).toBe(true);
  });

  it('prints each datagram with --trace', async () => {
    running = await startCollector();
    const agent = await run([
      'agent',
      '--port',
      String(running.port),
      '--count',
      '1',
      '--format',
      'statsd',
      '--trace',
    ]);
    expect(agent.code).toBe(0);
    expect(agent.stdout).toMatch(/^-> seq=- \d+ bytes \d+ samples: host\.cpu\.percent:/m);
  });

  it('forwards aggregates to another StatsD with --forward', async () => {
    running = await startCollector();
    const collector = start([
      'collector',
      '--port',
      '0',
      '--http',
      'off',
      '--interval',
      '200ms',
      '--forward',
      `127.0.0.1:${running.port}`,
    ]);
    expect(await waitUntil(() => /udp 127\.0\.0\.1:\d+/.test(collector.out.stderr), 30_000)).toBe(
      true,
    );
    const [, udp] = /udp 127\.0\.0\.1:(\d+)/.exec(collector.out.stderr)!;
    expect((await run(['agent', '--port', udp!, '--count', '1'])).code).toBe(0);
    const downstream = running.collector;
    expect(
      await waitUntil(
        () => downstream.flush().gauges.some((g) => g.name === 'host.memory.total_bytes'),
        30_000,
      ),
    ).toBe(true);
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);
  });

  it('answers --help with an example, and bad usage with exit 2', async () => {
    for (const command of ['collector', 'agent', 'top', 'demo']) {
      const help = await run([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Example');
    }
    const unknown = await run(['collector', '--bogus']);
    expect(unknown.code).toBe(2);
    const port = await run(['agent', '--port', '99999']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('ERR_INVALID_PORT');
    const format = await run(['agent', '--format', 'xml']);
    expect(format.code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('takes the `--` pnpm puts before a script argument, also with --json', async () => {
    const help = await run(['collector', '--', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Example');
    const bad = await run(['agent', '--', '--json', '--port', 'x']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).error.code).toBe('ERR_USAGE');
  });

  it('fails with one clear line and exit 1 when top finds no collector', async () => {
    const top = await run(['top', '--http', '127.0.0.1:1', '--count', '1']);
    expect(top.code).toBe(1);
    expect(top.stderr.trim()).toMatch(
      /^telemetry: ERR_HTTP cannot reach the collector at http:\/\/127\.0\.0\.1:1\/api\/metrics/,
    );
    expect(top.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says which port is taken, with the flag to change it, as a line or with --json as JSON', async () => {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const tcp = net.createServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const udpPort = String(udp.address().port);
    const httpAt = `127.0.0.1:${(tcp.address() as net.AddressInfo).port}`;
    try {
      const line = await run(['collector', '--port', udpPort, '--http', 'off']);
      expect(line.code).toBe(1);
      expect(line.stderr.trim()).toMatch(
        /^telemetry: ERR_ADDRESS_IN_USE .*EADDRINUSE.* \(another process holds that port: choose another with --port\)$/,
      );
      const json = await run(['collector', '--port', udpPort, '--json']);
      expect(json.code).toBe(1);
      const udpError = JSON.parse(json.stderr.trim().split('\n').at(-1)!).error;
      expect(udpError).toMatchObject({ code: 'ERR_ADDRESS_IN_USE' });
      expect(udpError.hint).toContain('--port');
      // The HTTP port is not --port: the error names --http.
      const http = await run(['collector', '--port', '0', '--http', httpAt]);
      expect(http.code).toBe(1);
      expect(http.stderr.trim().split('\n').at(-1)).toMatch(
        /^telemetry: ERR_ADDRESS_IN_USE HTTP address 127\.0\.0\.1:\d+ is in use .*--http HOST:PORT/,
      );
      const httpJson = await run(['collector', '--port', '0', '--http', httpAt, '--json']);
      const httpError = JSON.parse(httpJson.stderr.trim().split('\n').at(-1)!).error;
      expect(httpError.code).toBe('ERR_ADDRESS_IN_USE');
      expect(httpError.message).toContain('--http');
      // Usage errors with --json are JSON too, and exit 2.
      const usage = await run(['agent', '--port', '99999', '--json']);
      expect(usage.code).toBe(2);
      expect(JSON.parse(usage.stderr.trim()).error.code).toBe('ERR_USAGE');
    } finally {
      udp.close();
      tcp.close();
    }
  });
});
