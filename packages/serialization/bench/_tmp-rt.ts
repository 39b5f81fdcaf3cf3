import { benchRoundTrip } from './roundtrip.ts';

const r = benchRoundTrip(100000, 7);
const j = r['JSON + same zod']!;
for (const [k, v] of Object.entries(r))
  console.log(k.padEnd(26), (v / 1e6).toFixed(3), (v / j).toFixed(2));
