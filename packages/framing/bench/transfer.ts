/** Transfer benchmark: framed vs raw bytes over a loopback TCP pair, sender in its own process. */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { connectFrames, lengthPrefixed, readFrameBatches, readFrames } from '../src/index.ts';

/**
 * The paths compared, each a sender and a receiver. The receiver consumes raw bytes, or
 * frames through one of the read APIs; the sender writes raw payloads (the `raw` paths),
 * or frames through `FrameWriter.tryWriteMany`. Two more: `raw frames`, `raw onread`
 * reading frames a raw sender encoded in advance (the framed stream's very bytes, with no
 * framing code on either side), and `allocFrame`, `cF reuse` reading frames filled in
 * place (`codec.allocFrame`) and sent by `FrameWriter.tryWriteEncoded`.
 */
export const PATHS = [
  'raw',
  'raw onread',
  'raw frames',
  'readFrames',
  'readFrameBatches',
  'callback',
  'connectFrames',
  'cF reuse',
  'cF + readFrames',
  'cF + batches',
  'allocFrame',
] as const;
export type TransferPath = (typeof PATHS)[number];

/** The sender's mode for each path (see sender.ts). */
function senderMode(path: TransferPath): string {
  if (path === 'raw frames') return 'encoded';
  if (path === 'allocFrame') return 'allocFrame';
  return path.startsWith('raw') ? 'raw' : 'framed';
}

/** One transfer's figures: payload bytes per wall second and per CPU second of each side. */
export interface TransferResult {
  wall: number;
  receiverCpu: number;
  senderCpu: number;
}

const SENDER = fileURLToPath(new URL('./sender.ts', import.meta.url));
const codec = lengthPrefixed();
/** The sender's command prefix once {@link pinCores} has pinned this process. */
let senderPrefix: string[] = [];

/**
 * Give each side a core of its own, where Linux's `taskset` can: this process (every
 * thread) on CPU 0, each sender on CPU 1. Left to the scheduler, the two share a core for
 * part of some runs and not of others, and the CPU per byte of both swings by a third from
 * run to run (sharing a core makes loopback cheaper: no wake-ups across cores).
 * @returns whether the two sides are pinned
 */
export function pinCores(): boolean {
  if (process.platform !== 'linux' || availableParallelism() < 2) return false;
  const self = ['-a', '-p', '-c', '0', String(process.pid)];
  if (spawnSync('taskset', self, { stdio: 'ignore' }).status !== 0) return false;
  senderPrefix = ['taskset', '-c', '1'];
  return true;
}

/**
 * Connect and consume one transfer; returns the payload bytes counted once the first
 * `warmup` bytes have arrived, and the wall and CPU time they took. The clocks start at
 * that mark, for every receiver alike, so JIT compilation and first page faults are left
 * out (the sender leaves out the same bytes).
 */
async function receive(port: number, path: TransferPath, warmup: number) {
  const receiver = path === 'allocFrame' ? 'cF reuse' : path;
  let bytes = 0;
  let clocked = false;
  let bytesAtStart = 0;
  let start = 0n;
  let cpuStart = process.cpuUsage();
  const add = (n: number) => {
    bytes += n;
    if (!clocked && bytes >= warmup) {
      clocked = true;
      bytesAtStart = bytes;
      start = process.hrtime.bigint();
      cpuStart = process.cpuUsage();
    }
  };
  const count = (frame: Buffer) => add(frame.length);
  const at = { host: '127.0.0.1', port };
  let socket: Socket;
  if (receiver === 'raw onread' || receiver === 'raw frames') {
    // The least a receiver can do: the kernel copies into one reused buffer, nothing else.
    const buffer = Buffer.allocUnsafe(64 * 1024);
    const callback = (n: number) => {
      add(n);
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
  if (receiver === 'readFrames' || receiver === 'cF + readFrames') {
    for await (const frame of readFrames(socket, codec)) count(frame);
  } else if (receiver === 'readFrameBatches' || receiver === 'cF + batches') {
    for await (const frames of readFrameBatches(socket, codec)) {
      for (const frame of frames) count(frame);
    }
  } else if (receiver === 'callback') {
    const decoder = codec.createDecoder();
    socket.on('data', (chunk: Buffer) => decoder.write(chunk, count));
    await once(socket, 'end');
    decoder.end();
  } else if (receiver === 'raw') {
    socket.on('data', count);
    await once(socket, 'end');
  } else {
    await once(socket, 'end');
  }
  const cpu = process.cpuUsage(cpuStart);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  socket.destroy();
  return { bytes, measured: bytes - bytesAtStart, wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

/**
 * One transfer of `total` payload bytes in `size`-byte frames. The first eighth (whole
 * 64 KiB batches) is a warm-up that neither side's clocks count.
 */
export async function transfer(
  path: TransferPath,
  size: number,
  total: number,
): Promise<TransferResult> {
  const mode = senderMode(path);
  // What goes over the wire; 'raw frames' counts headers too, which payload rates leave out.
  const count = Math.floor(total / size);
  const wireSize = path === 'raw frames' ? codec.frameLength(size) : size;
  const warmup = Math.floor(total / 8 / 65536) * 65536;
  const [command = process.execPath, ...prefix] = [...senderPrefix, process.execPath];
  const child = spawn(
    command,
    [...prefix, '--import', 'tsx', SENDER, mode, String(size), String(total), String(warmup)],
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
    const wireWarmup = (warmup / size) * wireSize;
    const result = await receive(await Promise.race([port, failed]), path, wireWarmup);
    const [code, signal] = await exited;
    if (code !== 0) throw new Error(`sender exited with ${signal ?? code}`);
    if (result.bytes !== count * wireSize) {
      throw new Error(`received ${result.bytes} of ${count * wireSize} bytes`);
    }
    const payload = (result.measured * size) / wireSize;
    return {
      wall: payload / result.wall,
      receiverCpu: payload / result.cpu,
      senderCpu: (count * size - warmup) / Number(output.trim().split('\n')[1]),
    };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
