/** netlab-run: an app's entry runs from a cached bundle that is rebuilt when a source changes. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const LAUNCHER = fileURLToPath(new URL('../bin/netlab-run.mjs', import.meta.url));

describe('netlab-run', { timeout: 60_000 }, () => {
  let app: string;
  const run = (...args: string[]) =>
    execFileSync(process.execPath, [LAUNCHER, 'src/main.ts', ...args], {
      cwd: app,
      encoding: 'utf8',
    });
  const manifest = () =>
    JSON.parse(
      readFileSync(join(app, 'node_modules/.cache/netlab-run/main/manifest.json'), 'utf8'),
    );

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'netlab-run-'));
    mkdirSync(join(app, 'src'));
    writeFileSync(join(app, 'src', 'word.ts'), "export const word: string = 'one';\n");
    writeFileSync(
      join(app, 'src', 'main.ts'),
      [
        "import { word } from './word.ts';",
        "const later = await import('./later.ts');",
        'console.log(JSON.stringify({ word, argv: process.argv.slice(1), url: import.meta.url, later: later.url }));',
      ].join('\n'),
    );
    writeFileSync(join(app, 'src', 'later.ts'), 'export const url = import.meta.url;\n');
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  test('runs the TypeScript entry with its arguments, each file keeping its own import.meta.url', () => {
    const out = JSON.parse(run('client', '--help'));
    expect(out.word).toBe('one');
    expect(out.argv).toEqual([join(app, 'src', 'main.ts'), 'client', '--help']);
    expect(out.url).toBe(pathToFileURL(join(app, 'src', 'main.ts')).href);
    expect(out.later).toBe(pathToFileURL(join(app, 'src', 'later.ts')).href);
  });

  test('reuses the build while no source changed, and rebuilds when one did', () => {
    run();
    const first = manifest();
    run();
    expect(manifest().dir).toBe(first.dir);
    writeFileSync(join(app, 'src', 'word.ts'), "export const word: string = 'two';\n");
    // mtime granularity: date the change clearly after the build began
    const later = new Date(first.builtAt + 2000);
    utimesSync(join(app, 'src', 'word.ts'), later, later);
    expect(JSON.parse(run()).word).toBe('two');
    expect(manifest().dir).not.toBe(first.dir);
  });

  test('refuses to start without a TypeScript entry', () => {
    expect(() => execFileSync(process.execPath, [LAUNCHER], { stdio: 'pipe' })).toThrow(
      /ERR_USAGE/,
    );
  });
});
