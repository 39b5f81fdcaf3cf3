/** Following imports into the packages: barrels cut to the names used, bench-only dependencies found. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { benchParts, isPackageRuntimeFile, parseModule, reachPackages } from './index.ts';
import { benchPackages, withBenchPackages } from './lean.ts';

let root: string;
const files: Record<string, string> = {
  'packages/p/src/index.ts': [
    '/** p: everything. */',
    "export { a, type A } from './a.ts';",
    '/** b is big. */',
    "export { b } from './b.ts';",
    "export * from './index-c.ts';",
    '',
  ].join('\n'),
  'packages/p/src/a.ts':
    "import { shared } from './shared.ts';\nexport type A = 1;\nexport const a = shared;\n",
  'packages/p/src/b.ts': 'export const b = 2;\n',
  'packages/p/src/shared.ts': 'export const shared = 1;\n',
  'packages/p/src/index-c.ts': "/** p/c. */\nexport { c } from './c.ts';\n",
  'packages/p/src/c.ts': 'export function c() {}\n',
  'packages/p/src/main.ts': "import { b } from './b.ts';\nconsole.log(b);\n",
  'apps/x/src/app.ts':
    "import { a, c } from '@t/p';\nimport kept from 'kept';\nexport default [a, c, kept];\n",
  'apps/x/src/app.test.ts':
    "import fc from 'fast-check';\nimport { freePort } from '@netlab/peers';\n",
  'apps/x/bench/run.ts': [
    "import { createRequire } from 'node:module';",
    "import { CheerioCrawler } from '@crawlee/cheerio';",
    "import { startRedis } from '@netlab/peers';",
    "import kept from 'kept';",
    "const statsd = createRequire(import.meta.url).resolve('statsd/stats.js');",
    "const lazy = await import('valibot');",
    '',
  ].join('\n'),
};
const pkg = {
  name: '@t/p',
  dir: 'packages/p',
  manifest: { name: '@t/p', exports: { '.': './src/index.ts', './c': './src/index-c.ts' } },
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'starter-reach-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('reachPackages', () => {
  test('follows a barrel only along the lines that give a used name, and cuts it to them', () => {
    const reached = reachPackages(root, [pkg], ['apps/x/src/app.ts']);
    expect([...reached.files].sort()).toEqual([
      'packages/p/src/a.ts',
      'packages/p/src/c.ts',
      'packages/p/src/index-c.ts',
      'packages/p/src/index.ts',
      'packages/p/src/shared.ts',
    ]);
    expect(reached.cut.get('packages/p/src/index.ts')).toBe(
      "/** p: everything. */\nexport { a, type A } from './a.ts';\nexport * from './index-c.ts';\n",
    );
    expect(reached.cut.has('packages/p/src/index-c.ts')).toBe(false);
  });

  test('a package file carried for its own sake brings everything it imports', () => {
    const reached = reachPackages(root, [pkg], ['apps/x/src/app.ts', 'packages/p/src/main.ts']);
    expect(reached.files).toContain('packages/p/src/b.ts');
    // b.ts is reached through main.ts, not through the barrel: the barrel's line for it stays out.
    expect(reached.cut.get('packages/p/src/index.ts')).not.toContain('b.ts');
  });
});

describe('parseModule', () => {
  test('counts the forms that load a package at run time', () => {
    const facts = parseModule('x.ts', files['apps/x/bench/run.ts'] as string);
    expect(facts.imports.map((edge) => edge.specifier)).toEqual(
      expect.arrayContaining(['@crawlee/cheerio', 'statsd/stats.js', 'valibot', 'kept']),
    );
    expect(facts.barrel).toBeUndefined();
  });
});

describe('benchParts', () => {
  test('a devDependency only bench/ loads is left out, with its @types; tools and shared ones stay', () => {
    const manifest = {
      name: 'x',
      scripts: { test: 'vitest run', bench: 'tsx bench/run.ts', load: 'sh bench/load.sh' },
      devDependencies: Object.fromEntries(
        ['@crawlee/cheerio', 'statsd', '@types/statsd', 'valibot', 'kept', 'fast-check', 'tsx']
          .concat('@netlab/peers')
          .map((name) => [name, '1.0.0']),
      ),
    };
    const appFiles = Object.keys(files).filter((file) => file.startsWith('apps/x/'));
    const parts = benchParts(root, appFiles, 'apps/x', manifest);
    expect(parts.scripts).toEqual(['bench', 'load']);
    // @netlab/peers stays: a test imports it, not just the bench.
    expect(parts.dependencies).toEqual(['@crawlee/cheerio', '@types/statsd', 'statsd', 'valibot']);
    const onlyBench = appFiles.filter((file) => !file.endsWith('.test.ts'));
    expect(benchParts(root, onlyBench, 'apps/x', manifest).dependencies).toContain('@netlab/peers');
  });
});

describe('benchPackages', () => {
  const app = {
    name: '@netlab/x',
    dependencies: { undici: '7.30.2' },
    devDependencies: { typescript: '~5.9.3', tsx: '^4.23.15' },
  };
  const bench = {
    name: '@netlab/x-bench',
    dependencies: { '@crawlee/cheerio': '3.18.1', '@netlab/x': 'workspace:*' },
    devDependencies: { typescript: '~5.8.0', '@types/node': '^20.19.0' },
  };

  test("the bench package's registry packages the app lacks; no workspace link, no duplicate", () => {
    expect(benchPackages(bench, app)).toEqual({
      '@crawlee/cheerio': '3.18.1',
      '@types/node': '^20.19.0',
    });
    expect(benchPackages(undefined, app)).toEqual({});
  });

  test("--with-bench adds them to the app's devDependencies; the app's own versions stay", () => {
    const merged = withBenchPackages(app, bench);
    expect(merged.devDependencies).toEqual({
      '@crawlee/cheerio': '3.18.1',
      '@types/node': '^20.19.0',
      tsx: '^4.23.15',
      typescript: '~5.9.3',
    });
    expect(Object.keys(merged.devDependencies ?? {})).toEqual(
      Object.keys(merged.devDependencies ?? {}).sort(),
    );
    expect(merged.dependencies).toEqual(app.dependencies);
    expect(withBenchPackages(app, undefined)).toBe(app);
  });
});

describe('isPackageRuntimeFile', () => {
  test("a package's bin/ scripts travel, its tests and benches do not", () => {
    expect(isPackageRuntimeFile('bin/netlab-run.mjs')).toBe(true);
    expect(isPackageRuntimeFile('src/args.ts')).toBe(true);
    expect(isPackageRuntimeFile('src/args.test.ts')).toBe(false);
    expect(isPackageRuntimeFile('bin/run.test.mjs')).toBe(false);
    expect(isPackageRuntimeFile('bench/startup.ts')).toBe(false);
  });
});
