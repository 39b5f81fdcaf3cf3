/** Read-path benchmark: CPU per frame of a decoder callback and of readFrames, in memory. */
import { Readable } from 'node:stream';
import { lengthPrefixed, readFrames } from '../src/index.ts';

const codec = lengthPrefixed();
const frameLength = (size: number) => 4 + size;

/** A Readable of `chunks` fresh 64 KiB chunks, each holding whole `size`-byte frames. */
function source(size: number, chunks: number): Readable {
  const perChunk = Math.floor(65536 / frameLength(size));
  const chunk = Buffer.concat(
    Array.from({ length: perChunk }, () => codec.encode(Buffer.alloc(size))),
  );
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ < chunks ? Buffer.from(chunk) : null);
    },
  });
}

type Path = (stream: Readable) => Promise<number>;

const paths: Record<string, Path> = {
  'chunks only': async (stream) => {
    let n = 0;
    for await (const _ of stream) n++;
    return n;
  },
  callback: async (stream) => {
    let n = 0;
    const decoder = codec.createDecoder();
    const onFrame = () => {
      n++;
    };
    stream.on('data', (chunk: Buffer) => decoder.write(chunk, onFrame));
    await new Promise((resolve) => stream.on('end', resolve));
    return n;
  },
  readFrames: async (stream) => {
    let n = 0;
    for await (const _ of readFrames(stream, codec)) n++;
    return n;
  },
};

/** Nanoseconds of CPU per frame for each path, best of `rounds` interleaved runs. */
export async function benchIterate(size: number, chunks: number, rounds: number) {
  const frames = chunks * Math.floor(65536 / frameLength(size));
  const best: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(paths)) {
      const before = process.cpuUsage();
      const n = await run(source(size, chunks));
      const used = process.cpuUsage(before);
      const expected = name === 'chunks only' ? chunks : frames;
      if (n !== expected) throw new Error(`${name} gave ${n} of ${expected}`);
      best[name] = Math.min(best[name] ?? Infinity, ((used.user + used.system) * 1000) / frames);
    }
  }
  return { frames, nsPerFrame: best };
}
