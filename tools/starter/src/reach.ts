/** Which files of the shared packages a starter needs: followed from the app's imports, name by name through barrels. */
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { LocalPackage } from './files.ts';
import { moduleFacts, type ReExport, type Wanted } from './modules.ts';

/** The package files a starter carries. */
export interface Reached {
  /** Files to copy, relative to the repository root. */
  files: Set<string>;
  /** Barrels cut down to the re-exports the app uses: path relative to the root -> new text. */
  cut: Map<string, string>;
}

const CODE = /\.(?:[cm]?ts|[cm]?js)$/;

/**
 * Follows imports from the given files into the shared packages and collects every package file
 * they reach. A barrel (a file of `export ... from` lines only, like `src/index.ts`) is followed
 * only along the lines that provide a name someone imports, and cut down to those lines, so
 * `import { formatEndpoint } from '@netlab/addressing'` brings the endpoint parser and what it
 * uses, not the DNS helpers. Any other reached file travels whole, with everything it imports.
 *
 * @param root The repository root.
 * @param packages The packages the starter carries.
 * @param from Files (relative to the root) whose imports count: the app's, and any package file
 *   carried whole for its own sake (a `bin/` script, a CLI the README runs).
 * @returns The files reached and the barrels cut.
 */
export function reachPackages(root: string, packages: LocalPackage[], from: string[]): Reached {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const owner = (path: string): LocalPackage | undefined =>
    packages.find((pkg) => path.startsWith(join(root, pkg.dir) + sep));
  const asked = new Map<string, Set<string> | 'all'>();
  const kept = new Map<string, Set<ReExport>>();

  const resolve = (file: string, specifier: string): string | undefined => {
    if (specifier.startsWith('.')) {
      const path = join(dirname(file), specifier);
      const ts = path.replace(/\.js$/, '.ts');
      return existsSync(path) ? path : existsSync(ts) ? ts : undefined;
    }
    const [scope, name, ...sub] = specifier.split('/');
    const pkg = byName.get(`${scope}/${name}`);
    if (!pkg) return undefined;
    const target = exportTarget(pkg.manifest.exports, sub.length ? `./${sub.join('/')}` : '.');
    return target ? join(root, pkg.dir, target) : undefined;
  };

  const exported = new Map<string, Set<string>>();
  const exportsOf = (file: string): Set<string> => {
    let names = exported.get(file);
    if (names) return names;
    names = new Set();
    exported.set(file, names); // an import cycle ends here
    if (!CODE.test(file)) return names;
    const facts = moduleFacts(file);
    for (const name of facts.own) names.add(name);
    for (const line of facts.barrel ?? []) {
      const target = resolve(file, line.specifier);
      const theirs = line.names ? line.names.keys() : target ? exportsOf(target) : [];
      for (const name of theirs) if (name !== 'default') names.add(name);
    }
    return names;
  };

  const ask = (file: string, wanted: Wanted): void => {
    if (!owner(file)) return; // the app's own files travel whole anyway
    const before = asked.get(file);
    if (before === 'all') return;
    const fresh = wanted === 'all' ? 'all' : new Set([...wanted].filter((n) => !before?.has(n)));
    if (fresh !== 'all' && fresh.size === 0 && before) return;
    asked.set(file, fresh === 'all' ? 'all' : new Set([...(before ?? []), ...fresh]));
    if (!CODE.test(file)) return;
    const facts = moduleFacts(file);
    if (!facts.barrel) {
      if (!before) for (const edge of facts.imports) follow(file, edge.specifier, edge.names);
      return;
    }
    const lines = kept.get(file) ?? new Set();
    kept.set(file, lines);
    for (const line of facts.barrel) {
      const target = resolve(file, line.specifier);
      if (!target) continue;
      if (!line.names) {
        const wantedHere =
          fresh === 'all' ? 'all' : new Set([...fresh].filter((n) => exportsOf(target).has(n)));
        if (wantedHere !== 'all' && wantedHere.size === 0) continue;
        lines.add(line);
        ask(target, wantedHere);
        continue;
      }
      const names = line.names;
      if (fresh !== 'all' && ![...names.keys()].some((n) => fresh.has(n))) continue;
      lines.add(line);
      const sources = [...names.values()];
      ask(target, sources.includes('*') ? 'all' : new Set(sources));
    }
  };

  const follow = (file: string, specifier: string, names: Wanted): void => {
    const target = resolve(file, specifier);
    if (target) ask(target, names);
  };

  for (const file of from) {
    const path = join(root, file);
    if (owner(path)) ask(path, 'all');
    else if (CODE.test(path)) {
      for (const edge of moduleFacts(path).imports) follow(path, edge.specifier, edge.names);
    }
  }

  const files = new Set([...asked.keys()].map((path) => relative(root, path)));
  const cut = new Map<string, string>();
  for (const [path, lines] of kept) {
    const all = moduleFacts(path).barrel ?? [];
    if (lines.size < all.length) cut.set(relative(root, path), cutBarrel(path, all, lines));
  }
  return { files, cut };
}

/**
 * The file a package's `exports` maps a subpath to (`.` or `./endpoint`).
 *
 * @param exports The manifest's `exports` field.
 * @param subpath The subpath asked for.
 * @returns The target, relative to the package folder, if the package exports it.
 */
export function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (typeof exports === 'string') return subpath === '.' ? exports : undefined;
  if (!exports || typeof exports !== 'object') return undefined;
  const entry = (exports as Record<string, unknown>)[subpath];
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object') {
    const conditions = entry as Record<string, unknown>;
    const target = conditions.import ?? conditions.default;
    return typeof target === 'string' ? target : undefined;
  }
  return undefined;
}

// The barrel without the lines nobody needs. A dropped line goes with the comments and blank
// lines above it; the file's header comment (above the first line) stays.
function cutBarrel(path: string, all: ReExport[], keep: Set<ReExport>): string {
  const text = moduleFacts(path).text;
  const first = all[0] as ReExport;
  let out = text.slice(0, first.start);
  all.forEach((line, index) => {
    if (!keep.has(line)) return;
    const chunk = text.slice(index === 0 ? line.start : (all[index - 1] as ReExport).end, line.end);
    out += out.endsWith('\n') ? chunk.replace(/^\n+/, '') : chunk;
  });
  return out + text.slice((all.at(-1) as ReExport).end);
}
