/** Transfer benchmark sender (a separate process): raw writes or FrameWriter, to 127.0.0.1:port. */
import { once } from 'node:events';
import { connect } from 'node:net';
import { FrameWriter, lengthPrefixed } from '../src/index.ts';

const [portText, mode, sizeText, totalText] = process.argv.slice(2);
const size = Number(sizeText);
const count = Math.floor(Number(totalText) / size);
/** Frames per batch: about 64 KiB of payload per loop turn, in both modes. */
const batch = Math.max(1, Math.floor(65536 / size));
const payloads = Array.from({ length: batch }, (_, i) => Buffer.alloc(size, i & 0xff));

const socket = connect(Number(portText), '127.0.0.1');
await once(socket, 'connect');
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
    if (socket.writableNeedDrain) await once(socket, 'drain');
  } else {
    await writer.writeMany(slice);
  }
}
await writer.end();
const cpu = process.cpuUsage(cpuBefore);
// The receiver reads our CPU time from stdout.
process.stdout.write(`${(cpu.user + cpu.system) / 1e6}\n`);
socket.destroy();
