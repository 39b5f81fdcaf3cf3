/** The tour over fixture apps: demo discovery, headings, stop at the first failure. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { findDemoApps, runTour, summarize } from './index.ts';

let root: string;

async function app(name: string, scripts: Record<string, string> | null) {
  const dir = join(root, 'apps', name);
  await mkdir(dir, { recursive: true });
  if (scripts) {
    const manifest = { name: `@t/${name}`, description: `the ${name} app`, scripts };
    await writeFile(join(dir, 'package.json'), JSON.stringify(manifest));
  }
}

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return { stream, text: () => text };
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tour-'));
  // Outside this repository corepack needs a packageManager field to pick pnpm's version.
  const repo = JSON.parse(
    await readFile(new URL('../../../package.json', import.meta.url), 'utf8'),
  );
  const manifest = { name: 'tour-fixture', private: true, packageManager: repo.packageManager };
  await writeFile(join(root, 'package.json'), JSON.stringify(manifest));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('findDemoApps', () => {
  test('finds apps with a demo script, sorted, and skips the rest', async () => {
    await app('zeta', { demo: 'node -e 0' });
    await app('alpha', { demo: 'node -e 0' });
    await app('no-demo', { test: 'vitest' });
    await app('not-a-package', null);
    const apps = await findDemoApps(root);
    expect(apps.map((a) => a.name)).toEqual(['alpha', 'zeta']);
    expect(apps[0]?.description).toBe('the alpha app');
  });

  test('a repository without apps has nothing to demo', async () => {
    expect(await findDemoApps(root)).toEqual([]);
    expect(summarize({ passed: [], seconds: 0 }, 0)).toMatch(/no app has a demo yet/);
  });
});

test('the summary of a one-app tour names the app', () => {
  expect(summarize({ passed: ['a'], seconds: 1.2 }, 1)).toBe('demo: a passed in 1.2 s');
});

describe('runTour', () => {
  test('runs every demo in order with a heading each', async () => {
    await app('a', { demo: "node -e \"require('fs').writeFileSync('ran', 'a')\"" });
    await app('b', { demo: 'node -e 0' });
    const out = sink();
    const apps = await findDemoApps(root);
    const result = await runTour(apps, out.stream);
    expect(result.passed).toEqual(['a', 'b']);
    expect(result.failed).toBeUndefined();
    expect(out.text()).toContain('━━ [1/2] a: the a app');
    expect(out.text()).toContain('━━ [2/2] b: the b app');
    expect(summarize(result, 2)).toMatch(/^demo: all 2 apps passed in [\d.]+ s \(a, b\)$/);
  }, 120_000);

  test('stops at the first failing demo and reports its exit code', async () => {
    await app('a', { demo: 'node -e 0' });
    await app('b', { demo: 'node -e "process.exit(3)"' });
    await app('c', { demo: "node -e \"require('fs').writeFileSync('ran', 'c')\"" });
    const apps = await findDemoApps(root);
    const result = await runTour(apps, sink().stream);
    expect(result.passed).toEqual(['a']);
    expect(result.failed).toEqual({ name: 'b', exitCode: 3 });
    expect(summarize(result, 3)).toMatch(/^demo: b failed \(exit 3\) after 1 of 3 apps passed/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(root, 'apps', 'c', 'ran'))).toBe(false);
  }, 120_000);
});
