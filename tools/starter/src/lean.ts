/** What a lean starter leaves out: the app's bench/ folder, its scripts and the packages only it uses. */
import { join } from 'node:path';
import type { Manifest } from './files.ts';
import { moduleFacts, packageOf } from './modules.ts';

/** The bench and what only the bench needs, found in an app's files. */
export interface BenchParts {
  /** Scripts that run a file under bench/ (`"bench": "tsx bench/run.ts"`). */
  scripts: string[];
  /** devDependencies imported from bench/ and from nothing else, with their `@types/` packages. */
  dependencies: string[];
}

const CODE = /\.(?:[cm]?ts|[cm]?js)$/;

/**
 * Finds the app's benchmark-only parts. A devDependency counts as the bench's when a file under
 * `bench/` loads it (import, `require`, `require.resolve`) and no other file does: a package
 * that no file loads (tsx, vitest, `@types/node`) is a tool and stays.
 *
 * @param root The repository root.
 * @param files The app's files, relative to the root.
 * @param appDir The app's folder relative to the root (`apps/tcp-chat`).
 * @param manifest The app's manifest.
 * @returns The scripts and devDependencies to leave out.
 */
export function benchParts(
  root: string,
  files: string[],
  appDir: string,
  manifest: Manifest,
): BenchParts {
  const inBench = new Set<string>();
  const elsewhere = new Set<string>();
  for (const file of files) {
    if (!CODE.test(file)) continue;
    const users = isBenchFile(file, appDir) ? inBench : elsewhere;
    for (const edge of moduleFacts(join(root, file)).imports) {
      const name = packageOf(edge.specifier);
      if (name) users.add(name);
    }
  }
  const dev = Object.keys(manifest.devDependencies ?? {});
  const benchOnly = dev.filter((name) => inBench.has(name) && !elsewhere.has(name));
  const types = benchOnly.map(typesOf);
  const scripts = Object.entries(manifest.scripts ?? {})
    .filter(([, command]) => /(^|[\s'"/])bench\//.test(command))
    .map(([name]) => name);
  return {
    scripts,
    dependencies: [...benchOnly, ...dev.filter((name) => types.includes(name))].sort(),
  };
}

/**
 * The DefinitelyTyped package of a package: `@types/statsd`, `@types/babel__core`.
 *
 * @param name A package name.
 * @returns Its `@types/` name.
 */
export function typesOf(name: string): string {
  return `@types/${name.replace(/^@(.+)\//, '$1__')}`;
}

/**
 * Tells whether a file of the app belongs to its benchmarks: `bench/` and the bench log,
 * `BENCH.md`.
 *
 * @param file A path relative to the root.
 * @param appDir The app's folder relative to the root.
 * @returns True for the bench's files.
 */
export function isBenchFile(file: string, appDir: string): boolean {
  return file.startsWith(`${appDir}/bench/`) || file === `${appDir}/BENCH.md`;
}

/**
 * The app's manifest without the given scripts and devDependencies.
 *
 * @param manifest The app's manifest.
 * @param parts What to leave out.
 * @returns A new manifest.
 */
export function withoutBench(manifest: Manifest, parts: BenchParts): Manifest {
  const drop = <T>(record: Record<string, T> | undefined, names: string[]) =>
    record && Object.fromEntries(Object.entries(record).filter(([name]) => !names.includes(name)));
  return {
    ...manifest,
    scripts: drop(manifest.scripts, parts.scripts),
    devDependencies: drop(manifest.devDependencies, parts.dependencies),
  };
}

/**
 * The registry packages of an app's bench package that the app does not declare itself. A
 * bench whose comparison needs packages of its own (Crawlee) declares them in
 * `bench/package.json`, a workspace package, so that `pnpm install --filter <app>...` leaves
 * them out; its link back to the app is no dependency.
 *
 * @param bench The manifest at `bench/package.json`, if the app has one.
 * @param app The app's manifest.
 * @returns Name -> version range, sorted.
 */
export function benchPackages(bench: Manifest | undefined, app: Manifest): Record<string, string> {
  const all = { ...bench?.dependencies, ...bench?.devDependencies };
  const declared = { ...app.dependencies, ...app.devDependencies };
  return Object.fromEntries(
    Object.entries(all)
      .filter(([name, spec]) => !spec.startsWith('workspace:') && !(name in declared))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * The app's manifest with its bench package's packages among its devDependencies, which is
 * how a starter carrying the bench installs them (it has no bench package: `npm install` at
 * its root installs what the root manifest names).
 *
 * @param app The app's manifest.
 * @param bench The manifest at `bench/package.json`, if the app has one.
 * @returns A new manifest.
 */
export function withBenchPackages(app: Manifest, bench: Manifest | undefined): Manifest {
  const extra = Object.entries(benchPackages(bench, app));
  if (extra.length === 0) return app;
  const merged = [...Object.entries(app.devDependencies ?? {}), ...extra];
  return {
    ...app,
    devDependencies: Object.fromEntries(merged.sort(([a], [b]) => a.localeCompare(b))),
  };
}
