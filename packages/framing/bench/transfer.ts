/** Transfer benchmark: framed vs raw bytes over a loopback TCP pair, sender in its own process. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { lengthPrefixed, readFrameBatches, readFrames } from '../src/index.ts';

/** How the receiver consumes: raw bytes, or frames through one of the three read APIs. */
export type Receiver = 'raw' | 'readFrames' | 'readFrameBatches' | 'callback';

/** One transfer's figures: payload bytes per wall second and per CPU second of each side. */
export interface TransferResult {
  wall: number;
  receiverCpu: number;
  senderCpu: number;
}

const SENDER = fileURLToPath(new URL('./sender.ts', import.meta.url));

/** Consume one transfer; returns payload bytes, timed (wall and CPU) from first byte to end. */
async function receive(socket: Socket, receiver: Receiver) {
  let bytes = 0;
  let start = 0n;
  let cpuStart = process.cpuUsage();
  const startOnce = () => {
    if (start !== 0n) return;
    start = process.hrtime.bigint();
    cpuStart = process.cpuUsage();
  };
  socket.once('data', startOnce);
  if (receiver === 'readFrames') {
    for await (const frame of readFrames(socket, lengthPrefixed())) bytes += frame.length;
  } else if (receiver === 'readFrameBatches') {
    for await (const frames of readFrameBatches(socket, lengthPrefixed())) {
      for (const frame of frames) bytes += frame.length;
    }
  } else if (receiver === 'callback') {
    const decoder = lengthPrefixed().createDecoder();
    const onFrame = (frame: Buffer) => {
      bytes += frame.length;
    };
    socket.on('data', (chunk: Buffer) => decoder.write(chunk, onFrame));
    await once(socket, 'end');
    decoder.end();
  } else {
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    await once(socket, 'end');
  }
  const cpu = process.cpuUsage(cpuStart);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  return { bytes, wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** One transfer of `total` payload bytes in `size`-byte frames. */
export async function transfer(
  receiver: Receiver,
  size: number,
  total: number,
): Promise<TransferResult> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const mode = receiver === 'raw' ? 'raw' : 'framed';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SENDER, String(port), mode, String(size), String(total)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  // Listen for 'exit' from the start: the sender may exit before the receiver has seen the
  // end of the stream, and a listener added after that would wait for ever.
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const failed = exited.then(([code, signal]) => {
    throw new Error(`sender exited (${signal ?? code}) before it connected`);
  });
  failed.catch(() => {}); // only awaited through the race below
  try {
    const [socket] = (await Promise.race([once(server, 'connection'), failed])) as [Socket];
    const result = await receive(socket, receiver);
    socket.destroy();
    const [code, signal] = await exited;
    if (code !== 0) throw new Error(`sender exited with ${signal ?? code}`);
    const expected = Math.floor(total / size) * size;
    if (result.bytes !== expected) throw new Error(`received ${result.bytes} of ${expected}`);
    return {
      wall: result.bytes / result.wall,
      receiverCpu: result.bytes / result.cpu,
      senderCpu: result.bytes / Number(output.trim()),
    };
  } finally {
    if (child.exitCode === null) child.kill();
    server.close();
  }
}
