/** netlab-build: bundles an app's entry, its workspace packages and its npm dependencies into a cache folder for netlab-run. */
// Loaded by netlab-run only when the cached bundle is missing or stale, so its cost (esbuild,
// ~0.3-1 s) is paid once per change, never on an ordinary start.
//
// Why npm packages are bundled too: Node's loader pays for every file it resolves, reads and
// compiles on its own (imapflow imports ~150 files, ~0.25 s on a 2-core machine; one bundled
// file of the same code loads in ~0.1 s). A package that needs its own folder at run time stays
// external and Node loads it from where it is installed; see `needsItsFolder`.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Code that reads the module object Node made for the file where it was installed: a bundle
// has no such object, so a package holding it stays external.
const LOCATION_BOUND = /(?<![.\w$])module\.(paths|parent|require)\b/;

// Where a file's own code may begin: after a shebang, comments and directives ("use strict"
// only counts before any statement, so nothing may be put in front of it).
const PROLOGUE = /^(#![^\n]*)?(\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|(['"])use strict\3;?)*/;

/** The folder of the package that holds a file: the nearest package.json with a name. */
function packageRoot(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name) return dir;
    } catch {
      // no package.json here (or a nameless one, like dist/esm/package.json's {"type"}): go up
    }
  }
  return dirname(file);
}

/** Whether Node loads a file as CommonJS: .cjs, or .js under a package.json without "type": "module". */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type !== 'module';
    } catch {
      // no package.json here: go up
    }
  }
  return true;
}

// In a bundle, import.meta.url would name the bundle; each file keeps its own, so code that
// finds files beside itself (fixtures, a child's entry, createRequire(import.meta.url)) finds
// the same ones as when Node loads it from its folder.
function ownUrls(path, text) {
  const url = JSON.stringify(pathToFileURL(path).href);
  return text
    .replaceAll('import.meta.url', url)
    .replaceAll('import.meta.filename', JSON.stringify(path))
    .replaceAll('import.meta.dirname', JSON.stringify(dirname(path)));
}

// CommonJS code may find files beside it through __dirname and __filename, and resolve names
// as from its folder through require.resolve; in a bundle each file keeps its own, declared
// on its first line (source maps keep their line numbers). __netlabRequire is the banner's.
function ownFolder(path, text) {
  const own = text.replace(
    /(?<![.\w$])require\.(resolve|main|cache)\b/g,
    '__netlabRequire(__filename).$1',
  );
  if (!/\b__(dirname|filename)\b/.test(own)) return own;
  // An ES module that makes its own (`const __dirname = dirname(fileURLToPath(...))`) keeps it.
  if (/\b(var|let|const)\s+__(dirname|filename)\b/.test(own)) return own;
  const at = PROLOGUE.exec(own)[0].length;
  const names = `;var __dirname = ${JSON.stringify(dirname(path))}, __filename = ${JSON.stringify(path)};`;
  return own.slice(0, at) + names + own.slice(at);
}

/**
 * The plugin that decides, per import, what goes into the bundle. `kept` holds the roots of
 * packages that stay external; `found` collects roots found location-bound during this build
 * (the caller builds again with them kept); `seen` collects files the bundle depends on.
 */
function resolver({ kept, found, seen }) {
  return {
    name: 'netlab-packages',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]|\.node$/ }, async (args) => {
        if (args.pluginData === 'inner' || args.path.startsWith('@netlab/')) return undefined;
        if (args.path.startsWith('node:')) return { external: true };
        const hit = await builder.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'inner',
        });
        if (hit.errors.length > 0) {
          // Inside a package, a file that is not there (an optional native build never made,
          // required in a try block) is the package's business at run time: it stays external.
          if (!args.importer.includes('node_modules')) return { errors: hit.errors };
          found.add(packageRoot(args.importer));
          return { path: args.path, external: true };
        }
        if (hit.external) return { path: args.path, external: true }; // a Node built-in
        const root = packageRoot(hit.path);
        // A native addon (.node) is loaded by Node from its folder, and so is its package.
        if (hit.path.endsWith('.node')) found.add(packageRoot(args.importer));
        // import() of a CommonJS package: Node finds its export names when it runs it (ioredis'
        // `const { Redis } = await import('ioredis')`), but a bundle chunk can only name exports
        // known at build time, so esbuild's chunk would offer `default` alone.
        if (args.kind === 'dynamic-import' && isCommonJs(hit.path)) found.add(root);
        if (!kept.has(root) && !hit.path.endsWith('.node')) {
          return { path: hit.path, sideEffects: hit.sideEffects };
        }
        seen.add(hit.path);
        // Pinned to the file esbuild resolved for its importer: pnpm gives each package its own
        // dependencies, so a package may not be reachable from the app's folder. require() wants
        // a path, import a URL.
        const require = args.kind === 'require-call' || args.kind === 'require-resolve';
        return { path: require ? hit.path : pathToFileURL(hit.path).href, external: true };
      });
      builder.onLoad({ filter: /\.(ts|mts|js|mjs|cjs)$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (args.path.endsWith('ts')) return { contents: ownUrls(args.path, text), loader: 'ts' };
        if (LOCATION_BOUND.test(text)) found.add(packageRoot(args.path));
        return { contents: ownFolder(args.path, ownUrls(args.path, text)), loader: 'js' };
      });
    },
  };
}

// Bundled CommonJS code calls require() for Node built-ins and for kept packages; an ES module
// has no require, so every output file gets one.
const BANNER =
  "import { createRequire as __netlabRequire } from 'node:module';\n" +
  'const require = __netlabRequire(import.meta.url);';

/**
 * Bundles `entry` into a new folder of `cacheDir` and points `manifestPath` at it in one rename.
 * @param {{ entry: string, cacheDir: string, manifestPath: string, previous?: { kept?: string[] } }} options
 * @returns {Promise<{ node: string, entry: string, builtAt: number, dir: string, inputs: string[], kept: string[] }>}
 */
export async function build({ entry, cacheDir, manifestPath, previous }) {
  const { build: esbuild } = await import('esbuild');
  const builtAt = Date.now();
  const dir = `${builtAt}-${process.pid}`;
  const kept = new Set(previous?.kept ?? []);
  // Each round keeps external the packages found location-bound in the one before; a handful
  // of rounds at most, since a package is found once.
  for (let round = 0; ; round++) {
    const found = new Set();
    const seen = new Set();
    const result = await esbuild({
      entryPoints: [entry],
      bundle: true,
      splitting: true, // a dynamic import() stays its own chunk, loaded only when reached
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      outdir: join(cacheDir, dir),
      write: false, // written once the last round has decided what stays external
      outExtension: { '.js': '.mjs' },
      banner: { js: BANNER },
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'silent',
      // esbuild reports these at debug level inside node_modules; as warnings they reach the
      // loop below.
      logOverride: {
        'unsupported-require-call': 'warning',
        'unsupported-dynamic-import': 'warning',
      },
      plugins: [resolver({ kept, found, seen })],
    });
    // A require() or import() esbuild cannot follow (its name computed at run time) would look
    // for files beside the bundle, and weird code (a direct eval) may count on its scope: a
    // package that draws any warning stays external.
    for (const warning of result.warnings) {
      const file = warning.location?.file;
      if (file?.includes('node_modules')) found.add(packageRoot(resolve(file)));
    }
    const fresh = [...found].filter((root) => !kept.has(root));
    if (fresh.length > 0 && round < 8) {
      for (const root of fresh) kept.add(root);
      continue;
    }
    for (const file of result.outputFiles) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.contents);
    }
    // The files the bundle was built from; the next start checks each one's mtime.
    const sources = [...Object.keys(result.metafile.inputs).map((file) => resolve(file)), ...seen];
    // Installed packages change only by an install, and their mtimes say nothing (pnpm links
    // files from its store, npm keeps the tarball's times), while every install rewrites its
    // record: node_modules/.modules.yaml (pnpm) or node_modules/.package-lock.json (npm). So
    // those records stand for every file in node_modules, and a start checks tens of files
    // instead of hundreds. Without such a record each installed file is checked itself.
    const records = [];
    for (let at = dirname(entry); at !== dirname(at); at = dirname(at)) {
      for (const name of ['.modules.yaml', '.package-lock.json']) {
        const record = join(at, 'node_modules', name);
        if (existsSync(record)) records.push(record);
      }
    }
    const installed = (file) => file.split(sep).includes('node_modules');
    const inputs = records.length > 0 ? sources.filter((file) => !installed(file)) : sources;
    // A change to these bundling rules makes every bundle stale too.
    inputs.push(fileURLToPath(import.meta.url), ...records);
    const manifest = {
      node: process.version,
      entry,
      builtAt,
      dir,
      inputs: [...new Set(inputs)],
      kept: [...kept],
    };
    // Another process may build the same entry at the same time: each writes its own folder and
    // the manifest moves in one rename, so a reader sees one complete build or the other.
    const temp = `${manifestPath}.${process.pid}`;
    writeFileSync(temp, JSON.stringify(manifest));
    renameSync(temp, manifestPath);
    sweep(cacheDir, dir);
    return manifest;
  }
}

/**
 * Removes earlier builds more than a minute old (a process started from one may still run), and
 * V8's compile cache (Node 22+), whose entries name files of earlier builds.
 */
function sweep(cacheDir, current) {
  rmSync(join(cacheDir, 'v8'), { recursive: true, force: true });
  for (const name of readdirSync(cacheDir)) {
    const started = Number(name.split('-')[0]);
    if (name !== current && Number.isFinite(started) && Date.now() - started > 60_000) {
      rmSync(join(cacheDir, name), { recursive: true, force: true });
    }
  }
}
