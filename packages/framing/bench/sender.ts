/**
 * Transfer benchmark sender (a separate process): listens, then writes `count` frames' worth.
 * Arguments: mode, frame size, total and warm-up payload bytes. Modes: `raw` writes the
 * payloads, `encoded` the same frames encoded in advance (the framed stream's bytes, raw),
 * `framed` the payloads through `FrameWriter.tryWriteMany`, `allocFrame` frames filled in
 * place (`codec.allocFrame`) through `FrameWriter.tryWriteEncoded`. Its CPU clock starts once the
 * warm-up bytes are written, so JIT compilation and first page faults are left out, as the
 * receiver leaves them out of its own clocks.
 */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { FrameWriter, lengthPrefixed } from '../src/index.ts';

const [mode, sizeText, totalText, warmupText] = process.argv.slice(2);
const size = Number(sizeText);
const count = Math.floor(Number(totalText) / size);
/** Frames before the clock starts: a whole number of batches (the caller sees to it). */
const warmupFrames = Number(warmupText) / size;
/** Frames per batch: about 64 KiB of payload per loop turn, in every mode. */
const batch = Math.max(1, Math.floor(65536 / size));
const codec = lengthPrefixed();

/**
 * Where the bytes sit matters as much as how they are written: the kernel copied the same
 * write into the socket's pages up to a fifth faster or slower depending on where the buffer
 * sat in memory (its offset within 64 bytes, as far as measured), and malloc puts each
 * buffer where it can. With one 64 KiB
 * payload per run, a run of a mode could take a fifth less CPU than the next run of the same
 * code. So every mode cycles through 16 batches of buffers allocated one by one, as an
 * application's are, and a run sees many addresses.
 */
const TURNS = 16;
const turns = Array.from({ length: TURNS }, (_, turn) =>
  Array.from({ length: batch }, (_, i) => {
    const payload = Buffer.alloc(size, (turn + i) & 0xff);
    if (mode === 'encoded') return codec.encode(payload);
    return mode === 'allocFrame' ? fillFrame(payload) : payload;
  }),
);

function fillFrame(content: Buffer): Buffer {
  const { frame, payload } = codec.allocFrame(content.length);
  payload.set(content);
  return frame;
}

// The receiver connects to us (a client socket is what net's onread needs): port on stdout.
const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
process.stdout.write(`${(server.address() as { port: number }).port}\n`);
const [socket] = (await once(server, 'connection')) as [Socket];
server.close();
socket.setNoDelay(true);
const writer = new FrameWriter(socket, codec);
let cpuBefore = process.cpuUsage();
for (let sent = 0, turn = 0; sent < count; sent += batch, turn++) {
  if (sent === warmupFrames) cpuBefore = process.cpuUsage();
  const n = Math.min(batch, count - sent);
  const all = turns[turn % TURNS]!;
  const chunks = n === batch ? all : all.slice(0, n);
  if (mode === 'framed') {
    // The same rule as raw below: wait only while the socket's buffer is full.
    if (!writer.tryWriteMany(chunks)) await writer.drained();
    continue;
  }
  if (mode === 'allocFrame') {
    if (!writer.tryWriteEncoded(chunks)) await writer.drained();
    continue;
  }
  // Cork only a batch of several, as FrameWriter does: cork() would only queue a lone write.
  if (chunks.length > 1) socket.cork();
  for (const chunk of chunks) socket.write(chunk);
  if (chunks.length > 1) socket.uncork();
  // Wait only while the buffer is really full, as FrameWriter does: after uncork() the
  // need-drain flag stays set for a tick even when everything went to the kernel.
  if (socket.writableLength >= socket.writableHighWaterMark) await once(socket, 'drain');
}
await writer.end();
const cpu = process.cpuUsage(cpuBefore);
// The receiver reads our CPU time from stdout, after the port.
process.stdout.write(`${(cpu.user + cpu.system) / 1e6}\n`);
socket.destroy();
