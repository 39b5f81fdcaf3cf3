/** Framing benchmarks: decode vs a naive decoder, framed vs raw transfer; prints ratios. */
import { benchDecode } from './decode.ts';
import { benchIterate } from './iterate.ts';
import { PATHS, pinCores, type TransferPath, transfer } from './transfer.ts';

const quick = process.argv.includes('--quick');
/** `--transfer`: only the transfer benchmark. */
const transferOnly = process.argv.includes('--transfer');
/** `--rounds N`: transfer rounds (the median of N; more rounds, steadier figures). */
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

const pinned = pinCores();
for (const size of [1024, 65536]) {
  const total = (quick ? 64 : 256) * 1024 * 1024;
  type Figures = { wall: number; cpuBound: number; receiver: number; sender: number };
  const runs = new Map<TransferPath, Figures[]>(PATHS.map((path) => [path, []]));
  for (let round = 0; round < rounds; round++) {
    for (const path of PATHS) {
      const r = await transfer(path, size, total);
      // With a core each, the busier process sets the pace: its CPU rate is the capacity.
      const cpuBound = Math.min(r.receiverCpu, r.senderCpu);
      runs
        .get(path)!
        .push({ wall: r.wall, cpuBound, receiver: r.receiverCpu, sender: r.senderCpu });
    }
  }
  // The median of the runs for each figure on its own: steadier than the best, which
  // favours whichever path happens to swing the most.
  const typical = new Map<TransferPath, Figures>();
  for (const [path, figures] of runs) {
    const of = (key: keyof Figures) => median(figures.map((f) => f[key]));
    typical.set(path, {
      wall: of('wall'),
      cpuBound: of('cpuBound'),
      receiver: of('receiver'),
      sender: of('sender'),
    });
  }
  // The limit is the better of the two raw receivers in this run, by each measure; the
  // ratio to plain raw ('data' events, a fresh Buffer per read like any framed reader
  // that hands out frames to keep) is shown beside it.
  const raws = [typical.get('raw')!, typical.get('raw onread')!];
  const dataRaw = raws[0]!.cpuBound;
  const raw = {
    cpuBound: Math.max(...raws.map((r) => r.cpuBound)),
    wall: Math.max(...raws.map((r) => r.wall)),
  };
  console.log(
    `transfer ${size} B frames over loopback TCP (${total / 1024 / 1024} MiB, ${pinned ? 'a core each' : 'sender in its own process'}, median of ${rounds} runs):`,
  );
  for (const [name, r] of typical) {
    const limit = r.cpuBound === raw.cpuBound ? ' (the limit)' : '';
    const pct = (a: number, b: number) => `${fmt((100 * a) / b, 0)}%`;
    const ofData = name.startsWith('raw') ? '' : ` (${pct(r.cpuBound, dataRaw)} of raw)`;
    const ratio = `  ${pct(r.cpuBound, raw.cpuBound)} of limit by CPU${ofData}, ${pct(r.wall, raw.wall)} by wall${limit}`;
    const sides = `(receiver ${fmt(r.receiver / MB, 0)}, sender ${fmt(r.sender / MB, 0)})`;
    console.log(
      `  ${name.padEnd(16)} ${fmt(r.cpuBound / MB, 0).padStart(5)} MB per CPU-s ${sides.padEnd(31)} ${fmt(r.wall / MB, 0).padStart(4)} MB/s wall${ratio}`,
    );
  }
  // The senders apart: raw writes of the payloads alone and of the same frames encoded in
  // advance, against tryWriteMany (the median over the rows that use it) and allocFrame.
  const rawSender = Math.max(...raws.map((r) => r.sender));
  const sameBytes = typical.get('raw frames')!.sender;
  const many = [...typical].filter(([name]) => !name.startsWith('raw') && name !== 'allocFrame');
  const versus = (sender: number) =>
    `${fmt(sender / MB, 0)} (${fmt((100 * sender) / rawSender, 0)}% and ${fmt((100 * sender) / sameBytes, 0)}%)`;
  console.log(
    `  senders, MB per CPU-s: raw payloads ${fmt(rawSender / MB, 0)}, raw frames ${fmt(sameBytes / MB, 0)}, tryWriteMany ${versus(median(many.map(([, r]) => r.sender)))}, allocFrame ${versus(typical.get('allocFrame')!.sender)}`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
