/** Receivers under test, each its own process: our collector, Etsy's StatsD, a bare counting socket. */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Kind = 'ours' | 'statsd' | 'bare';

export interface Target {
  kind: Kind;
  port: number;
  pid: number;
  /** SO_RCVBUF the kernel granted. */
  rcvbuf: number;
  /** Datagrams received but not yet handled inside the process (ours only; others handle at once). */
  backlog(): Promise<{ queued: number; queueDropped: number }>;
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const app = path.resolve(here, '..');
export const STATE = path.join(app, '.state');

export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/** Waits for a line on stderr matching `pattern`; the child's other stderr passes through. */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) =>
      reject(new Error(`receiver exited with ${code} before it was ready`)),
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = pattern.exec(buffered);
      if (match) resolve(match);
    });
  });
}

export async function startTarget(kind: Kind, rcvbuf: number): Promise<Target> {
  const port = await freeUdpPort();
  if (kind === 'ours') {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'target.ts'), String(port), String(rcvbuf)],
      {
        cwd: app,
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      },
    );
    const ask = () =>
      new Promise<{ queueDepth: number; queueDropped: number; receiveBuffer: number }>(
        (resolve) => {
          child.once('message', (m) => resolve(m as never));
          child.send('status');
        },
      );
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`our collector exited with ${code}`)));
    });
    const first = await ask();
    return {
      kind,
      port,
      pid: child.pid!,
      rcvbuf: first.receiveBuffer,
      backlog: async () => {
        const s = await ask();
        return { queued: s.queueDepth, queueDropped: s.queueDropped };
      },
      stop: stopper(child),
    };
  }
  let child: ChildProcess;
  if (kind === 'statsd') {
    const require = createRequire(import.meta.url);
    const stats = require.resolve('statsd/stats.js');
    mkdirSync(STATE, { recursive: true });
    const config = path.join(STATE, `statsd-${port}.js`);
    // No backends: StatsD still parses and aggregates every line; flushes go nowhere.
    writeFileSync(
      config,
      `${JSON.stringify({ port, address: '127.0.0.1', mgmt_address: '127.0.0.1', mgmt_port: await freeUdpPort(), flushInterval: 10_000, backends: [] })}\n`,
    );
    child = spawn(
      process.execPath,
      ['--require', path.join(here, 'statsd-rcvbuf.cjs'), stats, config],
      {
        cwd: path.dirname(stats),
        env: { ...process.env, BENCH_RCVBUF: String(rcvbuf) },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  } else {
    // The floor of any Node receiver: one 'message' event per datagram, nothing else.
    const code = `const s=require('node:dgram').createSocket({type:'udp4',recvBufferSize:${rcvbuf}});let n=0;s.on('message',()=>n++);s.bind(${port},'127.0.0.1',()=>process.stderr.write('rcvbuf '+s.getRecvBufferSize()+'\\n'));`;
    child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  const match = await waitForLine(child, /rcvbuf (\d+)/);
  return {
    kind,
    port,
    pid: child.pid!,
    rcvbuf: Number(match[1]),
    backlog: async () => ({ queued: 0, queueDropped: 0 }),
    stop: stopper(child),
  };
}
