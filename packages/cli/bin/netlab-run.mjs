#!/usr/bin/env node
/** netlab-run: starts an app's TypeScript entry from a bundle cached beside it, rebuilt when a source changes. */
// Plain JavaScript on purpose: this file runs before any TypeScript can. tsx, which runs the
// tests and the benches, costs ~0.3 s of loader start on every command; a cached bundle lets
// `--help` answer in about the time Node itself takes to start.
//
// usage: netlab-run <entry.ts> [args...]                      (a package.json script)
//        node <node flags> <path of this file> <entry.ts> [args...]   (an app that needs V8 flags)
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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

/** The manifest of the current build, or undefined when there is none or a source changed since. */
function freshManifest() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return undefined;
  }
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

// In a bundle, import.meta.url would name the bundle; each source file keeps its own, so code
// that finds files beside itself (fixtures, a child's entry) finds the same ones as under tsx.
const ownUrls = {
  name: 'own-import-meta',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, (args) => {
      const url = JSON.stringify(pathToFileURL(args.path).href);
      const contents = readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.url', url)
        .replaceAll('import.meta.filename', JSON.stringify(args.path))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)));
      return { contents, loader: 'ts' };
    });
  },
};

// Workspace packages (@netlab/*) ship TypeScript and are bundled; anything else from
// node_modules stays external, pinned to the file esbuild resolved for its importer: pnpm gives
// each package its own dependencies, so `zod` imported by a package may not be reachable from
// the app's folder.
function externals(seen) {
  return {
    name: 'external-packages',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith('@netlab/') || args.pluginData === 'inner') return undefined;
        if (args.path.startsWith('node:')) return { external: true };
        const found = await builder.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'inner',
        });
        if (found.errors.length > 0) return { errors: found.errors };
        if (found.external) return { path: args.path, external: true }; // a Node built-in
        seen.add(found.path);
        return { path: pathToFileURL(found.path).href, external: true };
      });
    },
  };
}

/** Bundles the entry into a new folder, then points the manifest at it in one rename. */
async function build() {
  const { build: esbuild } = await import('esbuild');
  const builtAt = Date.now();
  const dir = `${builtAt}-${process.pid}`;
  const seen = new Set();
  const result = await esbuild({
    entryPoints: [entry],
    bundle: true,
    splitting: true, // a dynamic import() stays its own chunk, loaded only when reached
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    outdir: join(cacheDir, dir),
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
    plugins: [ownUrls, externals(seen)],
  });
  const inputs = Object.keys(result.metafile.inputs).map((file) => resolve(file));
  const manifest = { node: process.version, entry, builtAt, dir, inputs: [...inputs, ...seen] };
  // Another process may build the same entry at the same time: each writes its own folder and
  // the manifest moves in one rename, so a reader sees one complete build or the other.
  const temp = `${manifestPath}.${process.pid}`;
  writeFileSync(temp, JSON.stringify(manifest));
  renameSync(temp, manifestPath);
  sweep(dir);
  return manifest;
}

/** Removes earlier builds more than a minute old (a process started from one may still run). */
function sweep(current) {
  for (const name of readdirSync(cacheDir)) {
    const started = Number(name.split('-')[0]);
    if (name !== current && Number.isFinite(started) && Date.now() - started > 60_000) {
      rmSync(join(cacheDir, name), { recursive: true, force: true });
    }
  }
}

mkdirSync(cacheDir, { recursive: true });
const manifest = freshManifest() ?? (await build());
if (rest.includes('--trace') || process.env.NODE_DEBUG) process.setSourceMapsEnabled(true);
// The app sees the command line it would see under tsx: [node, entry, ...args].
process.argv = [process.argv[0], entry, ...rest];
await import(pathToFileURL(join(cacheDir, manifest.dir, `${basename(entry, '.ts')}.mjs`)).href);
