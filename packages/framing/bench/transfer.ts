/** Transfer benchmark: framed vs raw bytes over a loopback TCP pair, sender in its own process. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { lengthPrefixed, readFrames } from '../src/index.ts';

export type Receiver = 'raw' | 'readFrames' | 'callback';

const SENDER = fileURLToPath(new URL('./sender.ts', import.meta.url));

/** Receive one transfer; returns payload bytes per second, timed from first byte to end. */
async function receive(socket: Socket, receiver: Receiver, size: number): Promise<number> {
  let bytes = 0;
  let start = 0n;
  const startOnce = () => {
    if (start === 0n) start = process.hrtime.bigint();
  };
  if (receiver === 'readFrames') {
    socket.once('data', startOnce);
    for await (const frame of readFrames(socket, lengthPrefixed())) bytes += frame.length;
  } else if (receiver === 'callback') {
    const decoder = lengthPrefixed().createDecoder();
    const onFrame = (frame: Buffer) => {
      bytes += frame.length;
    };
    socket.on('data', (chunk: Buffer) => {
      startOnce();
      decoder.write(chunk, onFrame);
    });
    await once(socket, 'end');
    decoder.end();
  } else {
    socket.on('data', (chunk: Buffer) => {
      startOnce();
      bytes += chunk.length;
    });
    await once(socket, 'end');
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (bytes !== Math.floor(bytes / size) * size) throw new Error(`odd byte count ${bytes}`);
  return bytes / seconds;
}

/** One transfer of `total` payload bytes in `size`-byte frames; returns bytes per second. */
export async function transfer(receiver: Receiver, size: number, total: number): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const mode = receiver === 'raw' ? 'raw' : 'framed';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SENDER, String(port), mode, String(size), String(total)],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  try {
    const [socket] = (await once(server, 'connection')) as [Socket];
    const rate = await receive(socket, receiver, size);
    socket.destroy();
    const [code] = await once(child, 'exit');
    if (code !== 0) throw new Error(`sender exited with ${code}`);
    return rate;
  } finally {
    if (child.exitCode === null) child.kill();
    server.close();
  }
}
