/** netlab-run bundles an app's npm packages too: each file keeps its own location, and what needs its install folder stays external. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const LAUNCHER = fileURLToPath(
  new URL('../node_modules/@netlab/cli/bin/netlab-run.mjs', import.meta.url),
);

// Each package is a way real packages find their own files or names at run time.
const PACKAGES: Record<string, Record<string, string>> = {
  // An ES module that reads a file beside itself through import.meta.url.
  'esm-url': {
    'package.json': '{ "name": "esm-url", "type": "module", "main": "index.js" }',
    'index.js': [
      "import { readFileSync } from 'node:fs';",
      'export const url = import.meta.url;',
      "export const data = readFileSync(new URL('./data.txt', import.meta.url), 'utf8');",
    ].join('\n'),
    'data.txt': 'esm data',
  },
  // CommonJS under "use strict" that finds files through __dirname and require.resolve.
  'cjs-dirname': {
    'package.json': '{ "name": "cjs-dirname", "main": "index.js" }',
    'index.js': [
      "'use strict';",
      "const { readFileSync } = require('node:fs');",
      "const { join } = require('node:path');",
      'module.exports = {',
      '  dir: __dirname,',
      "  data: readFileSync(join(__dirname, 'data.txt'), 'utf8'),",
      "  resolved: require.resolve('./data.txt'),",
      '  strict: (function () { return this === undefined; })(),',
      '};',
    ].join('\n'),
    'data.txt': 'cjs data',
  },
  // A name known only at run time: esbuild cannot follow it (it does follow `'./' + name`, as
  // a pattern), Node must.
  'computed-require': {
    'package.json': '{ "name": "computed-require", "main": "index.js" }',
    'index.js': 'module.exports = (name) => require(name).word;',
    'a.js': "exports.word = 'from a';",
  },
  // CommonJS loaded with import(): Node finds its export names as it runs it (ioredis).
  'cjs-lazy': {
    'package.json': '{ "name": "cjs-lazy", "main": "index.js" }',
    'index.js': "exports.Named = class Named {}; exports.word = 'lazy';",
  },
  // An optional native build that was never made, required in a try block.
  'optional-native': {
    'package.json': '{ "name": "optional-native", "main": "index.js" }',
    'index.js': [
      'let binding = null;',
      "try { binding = require('./build/Release/binding.node'); } catch {}",
      'module.exports = { native: binding !== null };',
    ].join('\n'),
  },
};

describe('netlab-run with npm packages', { timeout: 60_000 }, () => {
  let app: string;
  const modules = () => join(app, 'node_modules');
  const manifest = () =>
    JSON.parse(readFileSync(join(modules(), '.cache/netlab-run/main/manifest.json'), 'utf8'));

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'netlab-run-packages-'));
    for (const [name, files] of Object.entries(PACKAGES)) {
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(join(modules(), name), { recursive: true });
        writeFileSync(join(modules(), name, file), text);
      }
    }
    mkdirSync(join(app, 'src'));
    writeFileSync(
      join(app, 'src', 'main.ts'),
      [
        "import * as esm from 'esm-url';",
        "import cjs from 'cjs-dirname';",
        "import computed from 'computed-require';",
        "import optional from 'optional-native';",
        "const { Named, word } = await import('cjs-lazy');",
        'const lazy = { word, named: new Named() instanceof Named };',
        "console.log(JSON.stringify({ esm: { ...esm }, cjs, computed: computed('./a.js'), optional, lazy }));",
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  test('every package behaves as when Node loads it from its folder', () => {
    const out = JSON.parse(
      execFileSync(process.execPath, [LAUNCHER, 'src/main.ts'], { cwd: app, encoding: 'utf8' }),
    );
    const pkg = (name: string) => join(modules(), name);
    expect(out).toEqual({
      esm: {
        url: pathToFileURL(join(pkg('esm-url'), 'index.js')).href,
        data: 'esm data',
      },
      cjs: {
        dir: pkg('cjs-dirname'),
        data: 'cjs data',
        resolved: join(pkg('cjs-dirname'), 'data.txt'),
        strict: true,
      },
      computed: 'from a',
      optional: { native: false },
      lazy: { word: 'lazy', named: true },
    });
  });

  test('packages are bundled unless they need their install folder or are CommonJS behind import()', () => {
    const { kept, dir } = manifest();
    expect([...kept].sort()).toEqual([
      join(modules(), 'cjs-lazy'),
      join(modules(), 'computed-require'),
      join(modules(), 'optional-native'),
    ]);
    const build = join(modules(), '.cache/netlab-run/main', dir);
    const code = readdirSync(build)
      .filter((file) => file.endsWith('.mjs'))
      .map((file) => readFileSync(join(build, file), 'utf8'))
      .join('\n');
    // The bundled packages' code is in the bundle (esbuild names each file it took in); the
    // kept ones are imported from their folder.
    expect(code).toContain('// node_modules/esm-url/index.js');
    expect(code).toContain('// node_modules/cjs-dirname/index.js');
    expect(code).not.toContain('require(name)');
    expect(code).toContain(pathToFileURL(join(modules(), 'computed-require', 'index.js')).href);
  });
});
