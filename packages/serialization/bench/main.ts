/** Serialization benchmarks: round trips vs JSON, and the schema-library measurement. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchRoundTrip, chatProtocol, typicalMessage } from './roundtrip.ts';

const quick = process.argv.includes('--quick');
const chat = chatProtocol();
const msgpackBytes = chat.encode(typicalMessage).length;
const jsonBytes = Buffer.byteLength(JSON.stringify(typicalMessage));

console.log(
  `# @netlab/serialization bench (node ${process.version}, ${quick ? 'quick' : 'full'} run)`,
);
console.log(`typical chat message: ${msgpackBytes} B as MessagePack, ${jsonBytes} B as JSON`);
const rates = benchRoundTrip(quick ? 50_000 : 300_000, quick ? 3 : 9);
const json = rates['JSON + same zod']!;
console.log('encode + decode + validate round trips per CPU-second (best of interleaved runs):');
for (const [name, rate] of Object.entries(rates)) {
  const ratio = name === 'JSON + same zod' ? '  (baseline)' : `  ${(rate / json).toFixed(2)}x JSON`;
  console.log(`  ${name.padEnd(24)} ${(rate / 1e6).toFixed(3).padStart(6)} M/s${ratio}`);
}

// The schema-library comparison runs in its own process so each library starts cold.
const libraries = fileURLToPath(new URL('./libraries.ts', import.meta.url));
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', libraries, ...(quick ? ['--quick'] : [])],
  {
    stdio: 'inherit',
  },
);
process.exitCode = run.status ?? 1;
