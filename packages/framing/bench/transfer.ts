/** Transfer benchmark: framed vs raw bytes over a loopback TCP pair, sender in its own process. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connectFrames, lengthPrefixed, readFrameBatches, readFrames } from '../src/index.ts';

/** How the receiver consumes: raw bytes, or frames through one of the read APIs. */
export const RECEIVERS = [
  'raw',
  'raw onread',
  'readFrames',
  'readFrameBatches',
  'callback',
  'connectFrames',
  'cF reuse',
  'cF + readFrames',
  'cF + batches',
] as const;
export type Receiver = (typeof RECEIVERS)[number];

/** One transfer's figures: payload bytes per wall second and per CPU second of each side. */
export interface TransferResult {
  wall: number;
  receiverCpu: number;
  senderCpu: number;
}

const SENDER = fileURLToPath(new URL('./sender.ts', import.meta.url));
const codec = lengthPrefixed();

/**
 * Connect and consume one transfer; returns payload bytes, timed (wall and CPU) from the
 * connection to the end of the stream: the sender starts writing as it accepts, and the
 * same moment counts for every receiver, whether or not it sees 'data' events.
 */
async function receive(port: number, receiver: Receiver) {
  let bytes = 0;
  let start = 0n;
  let cpuStart = process.cpuUsage();
  const startClock = () => {
    start = process.hrtime.bigint();
    cpuStart = process.cpuUsage();
  };
  const count = (frame: Buffer) => {
    bytes += frame.length;
  };
  const at = { host: '127.0.0.1', port };
  let socket: Socket;
  if (receiver === 'raw onread') {
    // The least a receiver can do: the kernel copies into one reused buffer, nothing else.
    const buffer = Buffer.allocUnsafe(64 * 1024);
    const callback = (n: number) => {
      bytes += n;
      return true;
    };
    socket = connect({ ...at, onread: { buffer, callback } });
  } else if (receiver === 'connectFrames') {
    socket = connectFrames(at, codec, count);
  } else if (receiver === 'cF reuse') {
    socket = connectFrames(at, codec, count, { reuse: true });
  } else if (receiver.startsWith('cF +')) {
    socket = connectFrames(at, codec);
  } else {
    socket = connect(at);
  }
  socket.once('connect', startClock);
  if (receiver === 'readFrames' || receiver === 'cF + readFrames') {
    for await (const frame of readFrames(socket, codec)) bytes += frame.length;
  } else if (receiver === 'readFrameBatches' || receiver === 'cF + batches') {
    for await (const frames of readFrameBatches(socket, codec)) {
      for (const frame of frames) bytes += frame.length;
    }
  } else if (receiver === 'callback') {
    const decoder = codec.createDecoder();
    const onFrame = (frame: Buffer) => {
      bytes += frame.length;
    };
    socket.on('data', (chunk: Buffer) => decoder.write(chunk, onFrame));
    await once(socket, 'end');
    decoder.end();
  } else if (receiver === 'raw') {
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    await once(socket, 'end');
  } else {
    await once(socket, 'end');
  }
  const cpu = process.cpuUsage(cpuStart);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  socket.destroy();
  return { bytes, wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** One transfer of `total` payload bytes in `size`-byte frames. */
export async function transfer(
  receiver: Receiver,
  size: number,
  total: number,
): Promise<TransferResult> {
  const mode = receiver.startsWith('raw') ? 'raw' : 'framed';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SENDER, mode, String(size), String(total)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  let portFound: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => {
    portFound = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const line = /^(\d+)\n/.exec(output);
    if (line) portFound(Number(line[1]));
  });
  // Listen for 'exit' from the start: the sender may exit before the receiver has seen the
  // end of the stream, and a listener added after that would wait for ever.
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const failed = exited.then(([code, signal]) => {
    throw new Error(`sender exited (${signal ?? code}) before it listened`);
  });
  failed.catch(() => {}); // only awaited through the race below
  try {
    const result = await receive(await Promise.race([port, failed]), receiver);
    const [code, signal] = await exited;
    if (code !== 0) throw new Error(`sender exited with ${signal ?? code}`);
    // Raw moves the same payload bytes without headers; framed receivers count payloads.
    const expected = Math.floor(total / size) * size;
    if (result.bytes !== expected) throw new Error(`received ${result.bytes} of ${expected}`);
    return {
      wall: result.bytes / result.wall,
      receiverCpu: result.bytes / result.cpu,
      senderCpu: result.bytes / Number(output.trim().split('\n')[1]),
    };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
