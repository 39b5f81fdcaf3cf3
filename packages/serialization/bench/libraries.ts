/** Print the schema-library measurement (valibot vs zod vs TypeBox) behind the choice in the README. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';
import { cpuRates } from './measure.ts';
import { candidates, samples } from './schema-libraries.ts';

const quick = process.argv.includes('--quick');
const n = quick ? 50_000 : 200_000;
const rounds = quick ? 3 : 7;

// Where Node finds it from here: the bench's own node_modules (valibot, TypeBox), then the
// package's (zod).
function installedKiB(pkg: string): number {
  const dirs = ['./node_modules/', '../node_modules/'].map(
    (base) => new URL(`${base}${pkg}/`, import.meta.url).pathname,
  );
  const dir = dirs.find((candidate) => existsSync(candidate));
  if (!dir) throw new Error(`${pkg} is not installed (looked in ${dirs.join(', ')})`);
  return Number(execFileSync('du', ['-sk', '-L', dir]).toString().split('\t')[0]);
}

/** Import + build + first validation in a fresh process, best of 3, in ms. */
function coldStartMs(name: string): number {
  const script = fileURLToPath(new URL('./cold.mjs', import.meta.url));
  let top = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const out = execFileSync(process.execPath, [script, name]);
    top = Math.min(top, Number(out.toString().trim()));
  }
  return top;
}

const packr = new Packr({ useRecords: false, variableMapSize: true });
const sayBytes = packr.pack(samples.say);
const made = Object.fromEntries(Object.entries(candidates).map(([k, make]) => [k, make()]));
for (const [name, c] of Object.entries(made)) {
  if (!c.say(samples.say).ok || c.members(samples.badMembers).ok) {
    throw new Error(`${name} misjudged a sample`);
  }
}

/** scenario -> [calls per round, library name -> function to time]. */
const scenarios: Record<string, [number, (name: string) => () => unknown]> = {
  'say (same object)': [n, (k) => () => made[k]!.say(samples.say)],
  'say (fresh copy)': [n, (k) => () => made[k]!.say({ ...samples.say })],
  'unpack+say': [n, (k) => () => made[k]!.say(packr.unpack(sayBytes))],
  'members x20': [n / 4, (k) => () => made[k]!.members(samples.members)],
  'invalid+path': [n / 20, (k) => () => made[k]!.members(samples.badMembers)],
};
const best: Record<string, Record<string, number>> = {};
for (const [scenario, [calls, make]] of Object.entries(scenarios)) {
  const fns = Object.fromEntries(Object.keys(made).map((name) => [name, make(name)]));
  for (const [name, rate] of Object.entries(cpuRates(fns, calls, rounds))) {
    best[name] ??= {};
    best[name][scenario] = rate;
  }
}
const unpackAlone = cpuRates({ unpack: () => packr.unpack(sayBytes) }, n, rounds).unpack!;

console.log(
  `# schema libraries, node ${process.version}, calls per CPU-second (best of ${rounds} interleaved rounds)`,
);
console.log(`msgpackr unpack alone (say): ${(unpackAlone / 1e6).toFixed(2)} M/s`);
const head = ['library', ...Object.keys(scenarios), 'cold start', 'installed', 'error path'];
const rows = Object.entries(best).map(([name, r]) => {
  const bad = made[name]!.members(samples.badMembers);
  return [
    name,
    ...Object.keys(scenarios).map((s) => `${(r[s]! / 1e6).toFixed(3)} M`),
    `${coldStartMs(name).toFixed(1)} ms`,
    `${installedKiB(name)} KiB`,
    bad.ok ? '-' : bad.path,
  ];
});
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const row of [head, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
