/** A fresh install compiles nothing: no compiler on PATH, a fresh HOME, and the PTY still works. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyRepo } from './repo-copy.ts';

// What node-gyp needs to build a native addon. None of it may be reachable during the install.
const COMPILERS =
  /^(gcc|g\+\+|cc|c\+\+|cpp|clang|clang\+\+|make|gmake|python|python3|node-gyp)([-.\d].*)?$/;

/** A folder of links to every program on PATH except compilers, make and python. */
function pathWithoutCompilers(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netlab-nocc-bin-'));
  for (const from of (process.env.PATH ?? '').split(':')) {
    if (from === '' || from.includes('node_modules')) continue;
    let names: string[];
    try {
      names = readdirSync(from);
    } catch {
      continue;
    }
    for (const name of names) {
      if (COMPILERS.test(name)) continue;
      try {
        symlinkSync(join(from, name), join(dir, name));
      } catch {} // the first folder on PATH wins, as for a shell
    }
  }
  return dir;
}

/** How to start the pnpm that runs this test (pnpm sets npm_execpath for its scripts). */
function pnpmCommand(): string[] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm[^/]*\.c?js$/.test(execPath)) return [process.execPath, execPath];
  return [execFileSync('sh', ['-c', 'command -v pnpm'], { encoding: 'utf8' }).trim()];
}

describe('a fresh install', { timeout: 600_000 }, () => {
  let copy: ReturnType<typeof copyRepo>;
  let bin: string;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    copy = copyRepo();
    bin = pathWithoutCompilers();
    home = mkdtempSync(join(tmpdir(), 'netlab-home-'));
    mkdirSync(join(home, '.cache'), { recursive: true });
    env = {
      PATH: bin,
      HOME: home,
      // pnpm's own shim (corepack) keeps its download where the machine has it already.
      COREPACK_HOME:
        process.env.COREPACK_HOME ??
        join(process.env.HOME ?? '/root', '.cache', 'node', 'corepack'),
      COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
      TURBO_TELEMETRY_DISABLED: '1',
      CI: 'true',
    };
  });
  afterAll(() => {
    copy?.remove();
    for (const dir of [bin, home]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('has no compiler to call', () => {
    for (const tool of ['gcc', 'g++', 'make', 'python3', 'cc']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { env });
      expect(found.status, tool).not.toBe(0);
    }
  });

  test('installs the locked dependencies without building anything, and the PTY works', () => {
    const [pnpm, ...pre] = pnpmCommand();
    // Without the side-effects cache, a package built on this machine before cannot be
    // restored from the store: whatever needs building would have to build here, and fail.
    const install = spawnSync(
      pnpm!,
      [
        ...pre,
        'install',
        '--frozen-lockfile',
        '--config.side-effects-cache=false',
        '--reporter=append-only',
      ],
      { cwd: copy.dir, env, encoding: 'utf8' },
    );
    const log = `${install.stdout}\n${install.stderr}`;
    expect(install.status, log).toBe(0);
    expect(log).not.toMatch(/node-gyp|gyp info|prebuild-install/);
    // The PTY tests of ssh-shell: a real terminal, through the prebuilt binary.
    const app = join(copy.dir, 'apps', 'ssh-shell');
    const vitest = spawnSync(
      process.execPath,
      [
        join(app, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        'src/server.test.ts',
        '-t',
        'PTY|terminal',
      ],
      { cwd: app, env, encoding: 'utf8' },
    );
    const out = `${vitest.stdout}\n${vitest.stderr}`;
    expect(vitest.status, out).toBe(0);
    expect(out).toMatch(/Tests\s+.*2 passed/);
    expect(basename(app)).toBe('ssh-shell');
  });
});
