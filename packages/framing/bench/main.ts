/** Framing benchmarks: decode vs a naive decoder, framed vs raw transfer; prints ratios. */
import { benchDecode } from './decode.ts';
import { benchIterate } from './iterate.ts';
import { RECEIVERS, type Receiver, transfer } from './transfer.ts';

const quick = process.argv.includes('--quick');
/** `--transfer`: only the transfer benchmark. */
const transferOnly = process.argv.includes('--transfer');
/** `--rounds N`: transfer rounds (best of N; more rounds, steadier figures on a busy machine). */
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : quick ? 1 : 7;
const MB = 1e6;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

console.log(`# @netlab/framing bench (node ${process.version}, ${quick ? 'quick' : 'full'} run)`);
for (const size of transferOnly ? [] : [32, 1024, 65536]) {
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

if (!transferOnly) {
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
}

for (const size of [1024, 65536]) {
  const total = (quick ? 64 : 256) * 1024 * 1024;
  type Best = { wall: number; cpuBound: number; receiver: number; sender: number };
  const best = new Map<Receiver, Best>();
  for (let round = 0; round < rounds; round++) {
    for (const receiver of RECEIVERS) {
      const r = await transfer(receiver, size, total);
      // With a core each, the busier process sets the pace: its CPU rate is the capacity.
      const cpuBound = Math.min(r.receiverCpu, r.senderCpu);
      const prev = best.get(receiver);
      // Best of runs for each figure on its own: other work on a shared machine only ever
      // slows a run down, so the best is the closest to what the code costs.
      best.set(receiver, {
        wall: Math.max(prev?.wall ?? 0, r.wall),
        cpuBound: Math.max(prev?.cpuBound ?? 0, cpuBound),
        receiver: Math.max(prev?.receiver ?? 0, r.receiverCpu),
        sender: Math.max(prev?.sender ?? 0, r.senderCpu),
      });
    }
  }
  // The limit is the better of the two raw receivers in this run, by each measure; the
  // ratio to plain raw ('data' events, a fresh Buffer per read like any framed reader
  // that hands out frames to keep) is shown beside it.
  const raws = [best.get('raw')!, best.get('raw onread')!];
  const dataRaw = raws[0]!.cpuBound;
  const raw = {
    cpuBound: Math.max(...raws.map((r) => r.cpuBound)),
    wall: Math.max(...raws.map((r) => r.wall)),
  };
  console.log(
    `transfer ${size} B frames over loopback TCP (${total / 1024 / 1024} MiB, sender in its own process, best of ${rounds} runs):`,
  );
  for (const [name, r] of best) {
    const limit = r.cpuBound === raw.cpuBound ? ' (the limit)' : '';
    const pct = (a: number, b: number) => `${fmt((100 * a) / b, 0)}%`;
    const ofData = name.startsWith('raw') ? '' : ` (${pct(r.cpuBound, dataRaw)} of raw)`;
    const ratio = `  ${pct(r.cpuBound, raw.cpuBound)} of limit by CPU${ofData}, ${pct(r.wall, raw.wall)} by wall${limit}`;
    const sides = `(receiver ${fmt(r.receiver / MB, 0)}, sender ${fmt(r.sender / MB, 0)})`;
    console.log(
      `  ${name.padEnd(16)} ${fmt(r.cpuBound / MB, 0).padStart(5)} MB per CPU-s ${sides.padEnd(31)} ${fmt(r.wall / MB, 0).padStart(4)} MB/s wall${ratio}`,
    );
  }
}
