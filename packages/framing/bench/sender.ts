/** Transfer benchmark sender (a separate process): listens, then raw writes or FrameWriter. */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { FrameWriter, lengthPrefixed } from '../src/index.ts';

const [mode, sizeText, totalText] = process.argv.slice(2);
const size = Number(sizeText);
const count = Math.floor(Number(totalText) / size);
/** Frames per batch: about 64 KiB of payload per loop turn, in both modes. */
const batch = Math.max(1, Math.floor(65536 / size));
const payloads = Array.from({ length: batch }, (_, i) => Buffer.alloc(size, i & 0xff));

// The receiver connects to us (a client socket is what net's onread needs): port on stdout.
const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
process.stdout.write(`${(server.address() as { port: number }).port}\n`);
const [socket] = (await once(server, 'connection')) as [Socket];
server.close();
socket.setNoDelay(true);
const writer = new FrameWriter(socket, lengthPrefixed());
const cpuBefore = process.cpuUsage();
for (let sent = 0; sent < count; sent += batch) {
  const n = Math.min(batch, count - sent);
  const slice = n === batch ? payloads : payloads.slice(0, n);
  if (mode === 'raw') {
    socket.cork();
    for (const payload of slice) socket.write(payload);
    socket.uncork();
    // Wait only while the buffer is really full, as FrameWriter does: after uncork() the
    // need-drain flag stays set for a tick even when everything went to the kernel.
    if (socket.writableLength >= socket.writableHighWaterMark) await once(socket, 'drain');
  } else if (!writer.tryWriteMany(slice)) {
    // The same rule as raw: wait only while the socket's buffer is full.
    await writer.drained();
  }
}
await writer.end();
const cpu = process.cpuUsage(cpuBefore);
// The receiver reads our CPU time from stdout, after the port.
process.stdout.write(`${(cpu.user + cpu.system) / 1e6}\n`);
socket.destroy();
