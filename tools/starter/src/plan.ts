/** What a starter carries: the app's files, the package files they reach, the manifest without the bench. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, posix, relative } from 'node:path';
import {
  isPackageRuntimeFile,
  type LocalPackage,
  listFiles,
  localPackages,
  type Manifest,
  readManifest,
} from './files.ts';
import {
  type BenchParts,
  benchPackages,
  benchParts,
  isBenchFile,
  typesOf,
  withBenchPackages,
  withoutBench,
} from './lean.ts';
import { moduleFacts, packageOf } from './modules.ts';
import { type Reached, reachPackages } from './reach.ts';
import { type CarriedPackage, rewriteCommands } from './texts.ts';

/** The export, decided before anything is written. */
export interface ExportPlan {
  /** The app's manifest: without the bench's scripts and dependencies, or with its packages added. */
  manifest: Manifest;
  packages: LocalPackage[];
  carried: CarriedPackage[];
  /** netlab's commands made the starter's (see `rewriteCommands`). */
  commands: (text: string) => string;
  /** The app's files to carry, relative to the repository root. */
  appFiles: string[];
  /** Each package's files to carry (by package folder), relative to the repository root. */
  packageFiles: Map<string, string[]>;
  /** Packages whose sources travel in part: folder -> [sources carried, sources in netlab]. */
  partial: Map<string, [number, number]>;
  reached: Reached;
  /** Every path the starter will hold, relative to its root. */
  files: Set<string>;
  /** Whether it carries the peers CLI (packages/peers/src/main.ts). */
  peersCli: boolean;
  leftOut: BenchParts;
}

const CODE = /\.(?:[cm]?ts|[cm]?js)$/;

/**
 * Decides what the starter of one app holds. The packages' files travel when the app's files
 * reach them (see `reachPackages`), when they are `bin/` scripts, or when the app's README runs
 * them (`npx tsx packages/peers/src/main.ts start redis`, from `pnpm --filter peers peers ...`).
 *
 * @param root The repository root.
 * @param app The app's folder name.
 * @param full The app's manifest.
 * @param options `withBench` keeps the benchmarks.
 * @returns The plan.
 */
export async function planExport(
  root: string,
  app: string,
  full: Manifest,
  options: { withBench?: boolean },
): Promise<ExportPlan> {
  const appDir = `apps/${app}`;
  // The bench's own workspace package (see `benchPackages`): its packages join the starter's
  // manifest with --with-bench; its package.json, a netlab workspace's, stays behind.
  const benchManifestFile = `${appDir}/bench/package.json`;
  const found = listFiles(root, appDir);
  const bench = found.includes(benchManifestFile)
    ? await readManifest(join(root, benchManifestFile))
    : undefined;
  const allFiles = found.filter((file) => file !== benchManifestFile);
  const declared = options.withBench ? withBenchPackages(full, bench) : full;
  const benchOnly = options.withBench
    ? { scripts: [], dependencies: [] }
    : benchParts(root, allFiles, appDir, full);
  // Only @netlab/* names decide which packages travel; any other dependency is settled below.
  const appFiles = options.withBench
    ? allFiles
    : allFiles.filter((file) => !isBenchFile(file, appDir));
  const packages = await localPackages(root, withoutBench(declared, benchOnly));
  const carried = packages.map((pkg) => ({
    name: basename(pkg.dir),
    ...(pkg.manifest.scripts ? { scripts: pkg.manifest.scripts } : {}),
  }));
  const commands = (text: string): string => rewriteCommands(text, app, carried);

  const byFolder = new Map(packages.map((pkg) => [basename(pkg.dir), pkg]));
  const readme = join(root, appDir, 'README.md');
  const named = existsSync(readme) ? commands(await readFile(readme, 'utf8')) : '';
  const runByReadme = [...named.matchAll(/\bpackages\/([\w.-]+)\/([\w./-]+\.[cm]?[jt]s)\b/g)]
    .map(
      ([, folder, path]) =>
        byFolder.get(folder as string) && `${byFolder.get(folder as string)?.dir}/${path}`,
    )
    .filter((file): file is string => !!file && existsSync(join(root, file)));
  const candidates = new Map(
    packages.map((pkg) => [
      pkg.dir,
      listFiles(root, pkg.dir).filter((file) => isPackageRuntimeFile(relative(pkg.dir, file))),
    ]),
  );
  const bins = [...candidates.values()].flat().filter((file) => /\/bin\//.test(file));
  const reached = reachPackages(root, packages, [...appFiles, ...bins, ...runByReadme]);
  // A dependency the bench shares with a carried package file (the cli's bin/ bundling with
  // esbuild, say) stays: the app's manifest may be what makes it installable there.
  const loaded = new Set(
    [...reached.files, ...bins]
      .filter((file) => CODE.test(file))
      .flatMap((file) => moduleFacts(join(root, file)).imports.map((e) => packageOf(e.specifier))),
  );
  const leftOut = {
    scripts: benchOnly.scripts,
    dependencies: benchOnly.dependencies.filter(
      (name) => !loaded.has(name) && ![...loaded].some((used) => used && typesOf(used) === name),
    ),
  };
  const manifest = withoutBench(declared, leftOut);
  // Reported with what the app's manifest lost: --with-bench brings both back.
  if (!options.withBench)
    leftOut.dependencies = [
      ...new Set([...leftOut.dependencies, ...Object.keys(benchPackages(bench, full))]),
    ].sort();
  const packageFiles = new Map<string, string[]>();
  const partial = new Map<string, [number, number]>();
  const files = new Set(appFiles.map((file) => relative(appDir, file)));
  for (const pkg of packages) {
    const kept = (candidates.get(pkg.dir) ?? []).filter((file) => {
      const path = relative(pkg.dir, file);
      return !path.startsWith('src/') || !CODE.test(path) || reached.files.has(file);
    });
    packageFiles.set(pkg.dir, kept);
    const sources = (files: string[]) => files.filter((f) => CODE.test(f) && f.includes('/src/'));
    const total = sources(candidates.get(pkg.dir) ?? []).length;
    if (sources(kept).length < total) partial.set(pkg.dir, [sources(kept).length, total]);
    for (const file of kept)
      files.add(posix.join('packages', basename(pkg.dir), relative(pkg.dir, file)));
  }
  const peers = byFolder.get('peers');
  const peersCli = !!peers && reached.files.has(`${peers.dir}/src/main.ts`);
  return {
    manifest,
    packages,
    carried,
    commands,
    appFiles,
    packageFiles,
    partial,
    reached,
    files,
    peersCli,
    leftOut,
  };
}
