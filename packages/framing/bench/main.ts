/** Framing benchmarks: decode vs a naive decoder, framed vs raw transfer; prints ratios. */
import { benchDecode } from './decode.ts';
import { type Receiver, transfer } from './transfer.ts';

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

for (const size of [1024, 65536]) {
  const total = (quick ? 64 : 256) * 1024 * 1024;
  const receivers: Receiver[] = ['raw', 'readFrames', 'readFrameBatches', 'callback'];
  type Best = { wall: number; cpuBound: number; receiver: number; sender: number };
  const best = new Map<Receiver, Best>();
  for (let round = 0; round < (quick ? 1 : 3); round++) {
    for (const receiver of receivers) {
      const r = await transfer(receiver, size, total);
      // With a core each, the busier process sets the pace: its CPU rate is the capacity.
      const cpuBound = Math.min(r.receiverCpu, r.senderCpu);
      const prev = best.get(receiver);
      best.set(receiver, {
        wall: Math.max(prev?.wall ?? 0, r.wall),
        ...(prev === undefined || cpuBound > prev.cpuBound
          ? { cpuBound, receiver: r.receiverCpu, sender: r.senderCpu }
          : { cpuBound: prev.cpuBound, receiver: prev.receiver, sender: prev.sender }),
      });
    }
  }
  const raw = best.get('raw')!;
  console.log(
    `transfer ${size} B frames over loopback TCP (${total / 1024 / 1024} MiB, sender in its own process, best of runs):`,
  );
  for (const [name, r] of best) {
    const ratio =
      name === 'raw'
        ? '  (the limit)'
        : `  ${fmt((100 * r.cpuBound) / raw.cpuBound, 0)}% of raw by CPU, ${fmt((100 * r.wall) / raw.wall, 0)}% by wall`;
    const sides = `(receiver ${fmt(r.receiver / MB, 0)}, sender ${fmt(r.sender / MB, 0)})`;
    console.log(
      `  ${name.padEnd(16)} ${fmt(r.cpuBound / MB, 0).padStart(5)} MB per CPU-s ${sides.padEnd(31)} ${fmt(r.wall / MB, 0).padStart(4)} MB/s wall${ratio}`,
    );
  }
}
