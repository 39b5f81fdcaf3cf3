/** Decode benchmark: our decoder vs a naive Buffer.concat decoder, on randomly split chunks. */
import { lengthPrefixed } from '../src/index.ts';

/** The classic decoder: concatenate every chunk onto the remainder, then slice frames off. */
export class NaiveDecoder {
  #buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    const frames: Buffer[] = [];
    while (this.#buffer.length >= 4) {
      const length = this.#buffer.readUInt32BE(0);
      if (this.#buffer.length < 4 + length) break;
      frames.push(this.#buffer.subarray(4, 4 + length));
      this.#buffer = this.#buffer.subarray(4 + length);
    }
    return frames;
  }
}

/** A deterministic PRNG so every run splits the same way (mulberry32). */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About `totalBytes` of frames of `size` bytes, cut into chunks of 1 B to 64 KiB. */
function workload(size: number, totalBytes: number) {
  const codec = lengthPrefixed();
  const count = Math.max(1, Math.floor(totalBytes / (size + 4)));
  const payload = Buffer.alloc(size, 0x61);
  const wire = Buffer.concat(Array.from({ length: count }, () => codec.encode(payload)));
  const next = random(size);
  const chunks: Buffer[] = [];
  for (let at = 0; at < wire.length; ) {
    const length = 1 + Math.floor(next() * 65536);
    // Copy each chunk into its own memory, as a socket read would deliver it.
    chunks.push(Buffer.from(wire.subarray(at, at + length)));
    at += length;
  }
  return { count, chunks };
}

type Run = (chunks: Buffer[]) => number;

const runners: Record<string, Run> = {
  netlab: (chunks) => {
    const decoder = lengthPrefixed().createDecoder();
    let n = 0;
    const onFrame = () => {
      n++;
    };
    for (const chunk of chunks) decoder.write(chunk, onFrame);
    return n;
  },
  naive: (chunks) => {
    const decoder = new NaiveDecoder();
    let n = 0;
    for (const chunk of chunks) n += decoder.push(chunk).length;
    return n;
  },
};

/** Frames per CPU-second of each decoder, best of `rounds` interleaved runs. */
export function benchDecode(size: number, totalBytes: number, rounds: number) {
  const { count, chunks } = workload(size, totalBytes);
  const best: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(runners)) {
      // CPU time, not wall time: other processes on a shared machine distort it less.
      const before = process.cpuUsage();
      const frames = run(chunks);
      const used = process.cpuUsage(before);
      const seconds = (used.user + used.system) / 1e6;
      if (frames !== count) throw new Error(`${name} decoded ${frames} of ${count} frames`);
      best[name] = Math.max(best[name] ?? 0, count / seconds);
    }
  }
  return { count, chunks: chunks.length, framesPerSecond: best };
}
