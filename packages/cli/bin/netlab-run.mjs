#!/usr/bin/env node
/** netlab-run: starts an app's TypeScript entry from a bundle cached beside it, rebuilt when a source changes. */
// Plain JavaScript on purpose: this file runs before any TypeScript can. tsx, which runs the
// tests and the benches, costs ~0.3 s of loader start on every command; a cached bundle lets
// `--help` answer in about the time Node itself takes to start.
//
// usage: netlab-run <entry.ts> [args...]                      (a package.json script)
//        node <node flags> <path of this file> <entry.ts> [args...]   (an app that needs V8 flags)
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entryArg, ...rest] = process.argv.slice(2);
if (entryArg === undefined || !entryArg.endsWith('.ts')) {
  process.stderr.write('netlab-run: ERR_USAGE usage: netlab-run <entry.ts> [args...]\n');
  process.exit(2);
}
const entry = resolve(entryArg);
// node_modules/.cache is where tools keep derived files: git and biome ignore it, and a fresh
// install (or deleting it) costs one rebuild, ~0.1-0.3 s.
const cacheDir = join(
  dirname(entry),
  '..',
  'node_modules',
  '.cache',
  'netlab-run',
  basename(entry, '.ts'),
);
const manifestPath = join(cacheDir, 'manifest.json');

/** The manifest of the last build, or undefined when there is none. */
function previousManifest() {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The manifest of the current build, or undefined when there is none or a source changed since. */
function freshManifest() {
  const manifest = previousManifest();
  if (manifest === undefined) return undefined;
  if (manifest.node !== process.version || manifest.entry !== entry) return undefined;
  for (const file of manifest.inputs) {
    try {
      // A file written after the build began makes the bundle stale, and so does one that is
      // gone (a dependency replaced by an install).
      if (statSync(file).mtimeMs >= manifest.builtAt) return undefined;
    } catch {
      return undefined;
    }
  }
  return manifest;
}

mkdirSync(cacheDir, { recursive: true });
let manifest = freshManifest();
if (manifest === undefined) {
  // esbuild and the bundling rules load only when a build is due.
  const { build } = await import('./netlab-build.mjs');
  manifest = await build({ entry, cacheDir, manifestPath, previous: previousManifest() });
}
// Node 22+ keeps V8's compiled code of the bundle on disk, so a start skips most parsing (a
// `mail list` that loads imapflow ran 8-12% faster on Node 22.23); Node 20 lacks the API and
// compiles the bundle on each start.
module.enableCompileCache?.(join(cacheDir, 'v8'));
if (rest.includes('--trace') || process.env.NODE_DEBUG) process.setSourceMapsEnabled(true);
// The app sees the command line it would see under tsx: [node, entry, ...args].
process.argv = [process.argv[0], entry, ...rest];
await import(pathToFileURL(join(cacheDir, manifest.dir, `${basename(entry, '.ts')}.mjs`)).href);
