/** Differential test: thousands of seeded cases through this package and Python's ipaddress. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensurePython } from '@netlab/peers';
import { describe, expect, it } from 'vitest';
import { buildCases, type Case } from './cases.ts';
import { answer } from './ours.ts';

const ORACLE = fileURLToPath(new URL('./oracle.py', import.meta.url));
const SEED = Number(process.env.ORACLE_SEED ?? 20240601);
const COUNT = Number(process.env.ORACLE_CASES ?? 6000);

/** Runs one Python process for the whole batch: JSON lines in, JSON lines out. */
function askPython(python: string, cases: Case[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    // The timeout kills Python if a case ever makes it enumerate too much; no process outlives us.
    const child = spawn(python, [ORACLE], { stdio: ['pipe', 'pipe', 'inherit'], timeout: 90_000 });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.stdin.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${python} ${ORACLE} exited with ${code}`));
      const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
      resolve(lines.map((line) => JSON.parse(line)));
    });
    child.stdin.end(`${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
  });
}

describe(`differential test against Python ipaddress (seed ${SEED}, ORACLE_SEED to change)`, () => {
  it(`agrees on ${COUNT} random and edge cases`, { timeout: 120_000 }, async () => {
    const cases = buildCases(SEED, COUNT);
    // Debian's /usr/bin/python3 (3.11), installed by @netlab/peers when missing.
    const expected = await askPython(await ensurePython(), cases);
    expect(expected).toHaveLength(cases.length);
    const failures: string[] = [];
    const ops = new Map<string, number>();
    let skipped = 0;
    cases.forEach((c, i) => {
      ops.set(c.op, (ops.get(c.op) ?? 0) + 1);
      if (typeof expected[i] === 'object' && expected[i] !== null && 'skip' in expected[i]) {
        skipped++;
        return;
      }
      const ours = answer(c);
      if (JSON.stringify(ours) !== JSON.stringify(expected[i])) {
        failures.push(
          `case ${i} ${JSON.stringify(c)}\n  python: ${JSON.stringify(expected[i])}\n  ours:   ${JSON.stringify(ours)}`,
        );
      }
    });
    // Every operation must be exercised, with both outcomes seen overall.
    expect([...ops.keys()].sort()).toHaveLength(17);
    const errors = expected.filter((e) => typeof e === 'object' && e !== null && 'err' in e).length;
    expect(errors).toBeGreaterThan(cases.length / 20);
    expect(errors).toBeLessThan(cases.length / 2);
    expect(skipped).toBeLessThan(cases.length / 200); // Python's own failures stay rare
    if (failures.length > 0) {
      throw new Error(
        `${failures.length} disagreements with Python (seed ${SEED}):\n${failures.slice(0, 8).join('\n')}`,
      );
    }
  });
});
