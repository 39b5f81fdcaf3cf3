/** Framing benchmarks: our decoder against a naive one, and the read paths; prints ratios. */
import { benchDecode } from './decode.ts';
import { benchIterate } from './iterate.ts';

const quick = process.argv.includes('--quick');
const MB = 1e6;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

console.log(`# @netlab/framing bench (node ${process.version}, ${quick ? 'quick' : 'full'} run)`);
for (const size of [32, 1024, 65536]) {
  const total = quick ? 4 * 1024 * 1024 : 32 * 1024 * 1024;
  const { count, chunks, framesPerSecond } = benchDecode(size, total, quick ? 3 : 7);
  const naive = framesPerSecond.naive!;
  console.log(
    `decode ${size} B frames (${count} frames in ${chunks} random chunks of 1 B-64 KiB), per CPU-second:`,
  );
  for (const [name, fps] of Object.entries(framesPerSecond)) {
    const ratio = name === 'naive' ? '' : `  ${fmt(fps / naive, 2)}x naive`;
    console.log(
      `  ${name.padEnd(16)} ${fmt(fps / 1e6, 2).padStart(7)} M frames/s ${fmt((fps * size) / MB, 0).padStart(6)} MB/s${ratio}`,
    );
  }
}

const { frames, nsPerFrame } = await benchIterate(1024, quick ? 500 : 4000, quick ? 3 : 7);
const chunksOnly = nsPerFrame['chunks only']!;
console.log(
  `read paths over 1024 B frames in 64 KiB chunks from a Readable (${frames} frames), CPU per frame:`,
);
for (const [name, ns] of Object.entries(nsPerFrame)) {
  const extra =
    name === 'chunks only'
      ? '  (the stream alone)'
      : `  ${fmt(ns - chunksOnly, 0)} ns over the stream`;
  console.log(`  ${name.padEnd(16)} ${fmt(ns, 0).padStart(5)} ns${extra}`);
}
