/** Installing one app with `pnpm install --filter <app>...` leaves out what only its bench needs. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { copyRepo } from './repo-copy.ts';

interface Case {
  name: string;
  dir: string;
  /** Packages only its bench loads; none may be installed with the app alone. */
  benchOnly: string[];
}

const CASES: Case[] = [
  { name: '@netlab/http-scraper', dir: 'apps/http-scraper', benchOnly: ['@crawlee/cheerio'] },
  {
    name: '@netlab/serialization',
    dir: 'packages/serialization',
    benchOnly: ['typebox', 'valibot'],
  },
  // Etsy's StatsD is the real peer of src/etsy-statsd.test.ts as much as the bench's baseline,
  // so it stays the app's devDependency: udp-telemetry's bench needs nothing its tests don't.
  { name: '@netlab/udp-telemetry', dir: 'apps/udp-telemetry', benchOnly: [] },
];

type Manifest = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

const readManifest = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8'));
const names = (m: Manifest): string[] => Object.keys({ ...m.dependencies, ...m.devDependencies });

/** How to start the pnpm that runs this test (pnpm sets npm_execpath for its scripts). */
function pnpmCommand(): string[] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm[^/]*\.c?js$/.test(execPath)) return [process.execPath, execPath];
  return [execFileSync('sh', ['-c', 'command -v pnpm'], { encoding: 'utf8' }).trim()];
}

/**
 * `pnpm install --filter <selector> --frozen-lockfile --offline` in `dir`: the locked versions,
 * from the store the checkout's own install filled, so the test needs no network.
 */
function install(dir: string, selector: string): string {
  const [pnpm, ...pre] = pnpmCommand();
  const env = { ...process.env, CI: 'true', TURBO_TELEMETRY_DISABLED: '1' };
  const args = ['install', '--filter', selector, '--frozen-lockfile', '--offline'];
  const run = spawnSync(pnpm!, [...pre, ...args, '--reporter=append-only'], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  const log = `${run.stdout}\n${run.stderr}`;
  expect(run.status, log.slice(-4000)).toBe(0);
  return log;
}

/** Whether pnpm's virtual store holds any version of `name` (`@crawlee+cheerio@3.18.1`). */
function inStore(root: string, name: string): boolean {
  const store = join(root, 'node_modules', '.pnpm');
  const prefix = `${name.replace('/', '+')}@`;
  return existsSync(store) && readdirSync(store).some((entry) => entry.startsWith(prefix));
}

/** `tsc -p .` in `dir` with the TypeScript installed there; exit status and output. */
function typecheck(dir: string): { status: number | null; output: string } {
  const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

const copies: { remove: () => void }[] = [];
afterAll(() => {
  for (const copy of copies) copy.remove();
});

// One at a time: each installs a copy of the checkout, and the machine may have two cores.
describe.sequential('pnpm install --filter <app>...', { timeout: 300_000 }, () => {
  test.each(CASES)('$name installs without its bench-only packages', ({ name, dir, benchOnly }) => {
    const copy = copyRepo();
    copies.push(copy);
    const app = join(copy.dir, dir);
    const benchManifest = join(app, 'bench', 'package.json');
    const bench = existsSync(benchManifest) ? readManifest(benchManifest) : {};
    const own = names(readManifest(join(app, 'package.json')));
    // What the bench package declares beyond the app's own (its link back, typescript, ...).
    const benchExtra = names(bench).filter(
      (dep) => !own.includes(dep) && !bench.dependencies?.[dep]?.startsWith('workspace:'),
    );
    for (const dep of benchOnly) {
      expect(own, `${dep} is still a dependency of ${name}`).not.toContain(dep);
      expect(benchExtra, `the bench package of ${name} declares ${dep}`).toContain(dep);
    }

    install(copy.dir, `${name}...`);
    for (const dep of [...benchOnly, ...benchExtra]) {
      expect(inStore(copy.dir, dep), `${dep} installed with ${name}`).toBe(false);
      expect(existsSync(join(app, 'node_modules', dep)), dep).toBe(false);
    }
    expect(existsSync(join(app, 'bench', 'node_modules'))).toBe(false);
    // Everything the app's code and tests load is there, and the app typechecks without them.
    for (const dep of own) {
      expect(existsSync(join(app, 'node_modules', dep, 'package.json')), dep).toBe(true);
    }
    const check = typecheck(app);
    expect(check.status, check.output.slice(-4000)).toBe(0);

    if (benchOnly.length === 0) return;
    // What the README tells a user who installed that way: the bench's own package brings them.
    install(copy.dir, `${name}-bench...`);
    for (const dep of benchOnly) {
      expect(existsSync(join(app, 'bench', 'node_modules', dep, 'package.json')), dep).toBe(true);
    }
    const benchCheck = typecheck(join(app, 'bench'));
    expect(benchCheck.status, benchCheck.output.slice(-4000)).toBe(0);
  });
});
