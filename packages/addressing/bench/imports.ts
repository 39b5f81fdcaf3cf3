/** Benchmark: what importing each subpath costs in a fresh Node process (files, source bytes, milliseconds). */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LoadReport } from '../test/load-probe.ts';

const run = promisify(execFile);
const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const PROBE = fileURLToPath(new URL('../test/load-probe.ts', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

const manifest = JSON.parse(readFileSync(`${PACKAGE}package.json`, 'utf8')) as {
  exports: Record<string, string>;
};
const specifiers = Object.keys(manifest.exports).map((s) => `@netlab/addressing${s.slice(1)}`);

async function probe(specifier: string): Promise<LoadReport> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE, specifier], {
    cwd: PACKAGE,
  });
  return JSON.parse(stdout) as LoadReport;
}

const times = new Map<string, number[]>(specifiers.map((s) => [s, []]));
const reports = new Map<string, LoadReport>();
await probe(specifiers[0]!); // warms tsx's transform cache, so every round reads the same
// Rounds interleave the specifiers, so a change in machine load hits them all alike.
for (let round = 0; round < ROUNDS; round++) {
  for (const specifier of specifiers) {
    const report = await probe(specifier);
    reports.set(specifier, report);
    times.get(specifier)!.push(report.ms);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`import in a fresh node --import tsx, median of ${ROUNDS}, node ${process.version}`);
for (const specifier of specifiers) {
  const { files, builtins } = reports.get(specifier)!;
  const bytes = files.reduce((sum, f) => sum + statSync(`${PACKAGE}src/${f}`).size, 0);
  console.log(
    `${specifier.padEnd(30)} ${String(files.length).padStart(2)} files ${String(Math.round(bytes / 1024)).padStart(3)} KiB ` +
      `${median(times.get(specifier)!).toFixed(1).padStart(6)} ms  built-ins: ${builtins.join(', ') || '-'}`,
  );
}
