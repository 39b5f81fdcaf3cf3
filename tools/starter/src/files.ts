/** Which files of the repository an app's starter carries: the app whole, its packages' sources. */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** A package.json, as far as the export reads and rewrites it. */
export interface Manifest {
  name: string;
  description?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** One workspace package the app depends on, directly or through another package. */
export interface LocalPackage {
  /** `@netlab/framing`. */
  name: string;
  /** Its folder relative to the repository root (`packages/framing`). */
  dir: string;
  manifest: Manifest;
}

const SCOPE = '@netlab/';

/**
 * Reads a package.json.
 *
 * @param path The file.
 * @returns The parsed manifest.
 */
export async function readManifest(path: string): Promise<Manifest> {
  return JSON.parse(await readFile(path, 'utf8')) as Manifest;
}

/**
 * Finds every `@netlab/*` package an app needs: its dependencies and devDependencies, and the
 * runtime dependencies of those, transitively (a package's own devDependencies serve only its
 * own tests, which the starter does not carry).
 *
 * @param root The repository root.
 * @param app The app's manifest.
 * @returns The packages, sorted by name.
 */
export async function localPackages(root: string, app: Manifest): Promise<LocalPackage[]> {
  // Every package is `@netlab/<folder>` (STYLE.md), so a name maps straight to its folder.
  const folders = new Map<string, string>();
  for (const group of ['packages', 'tools']) {
    for (const name of await readdir(join(root, group)).catch(() => [])) {
      folders.set(`${SCOPE}${name}`, `${group}/${name}`);
    }
  }
  const found = new Map<string, LocalPackage>();
  const visit = async (deps: Record<string, string> | undefined): Promise<void> => {
    for (const name of Object.keys(deps ?? {})) {
      if (!name.startsWith(SCOPE) || found.has(name)) continue;
      const dir = folders.get(name);
      if (!dir) throw new Error(`${name} is not a package of this repository`);
      const manifest = await readManifest(join(root, dir, 'package.json'));
      found.set(name, { name, dir, manifest });
      await visit(manifest.dependencies);
    }
  };
  await visit({ ...app.dependencies, ...app.devDependencies });
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Lists the files git would see below a folder: tracked ones and new ones it does not ignore,
 * so node_modules, caches and test results never travel.
 *
 * @param root The repository root.
 * @param dir A folder relative to the root.
 * @returns Paths relative to the root, with forward slashes.
 */
export function listFiles(root: string, dir: string): string[] {
  const output = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', dir],
    { cwd: root, encoding: 'utf8' },
  );
  return output
    .split('\0')
    .filter((file) => file !== '')
    .sort();
}

/**
 * Tells whether a file of a shared package may belong in a starter: its manifest, README,
 * tsconfig, sources and `bin/` scripts (a package script may run them), not its tests or
 * benchmarks. Of the sources, the export carries those the app reaches (see `reachPackages`).
 *
 * @param file A path relative to the package folder.
 * @returns True when the starter may need it.
 */
export function isPackageRuntimeFile(file: string): boolean {
  if (['package.json', 'README.md', 'tsconfig.json'].includes(file)) return true;
  if (!file.startsWith('src/') && !file.startsWith('bin/')) return false;
  return !/\.test\.[cm]?[jt]s$/.test(posix.basename(file));
}

/**
 * Lists the apps of the repository (folders under `apps/` with a package.json).
 *
 * @param root The repository root.
 * @returns Folder names, sorted.
 */
export function findApps(root: string): string[] {
  const apps = listFiles(root, 'apps')
    .filter((file) => /^apps\/[^/]+\/package\.json$/.test(file))
    .map((file) => file.split('/')[1] as string);
  return [...new Set(apps)].sort();
}
