/** The starter's package.json files: the app becomes the root, workspace links become `*`. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LocalPackage, type Manifest, readManifest } from './files.ts';

/** What the root manifest carries over from the repository's own root. */
export interface RepoSettings {
  packageManager: string;
  engines: Record<string, string>;
  /** Versions of the repo-level tools (biome, typescript) the starter's scripts use. */
  tools: Record<string, string>;
  /**
   * npm's `allowScripts` (npm 11 warns about unreviewed install scripts, npm 12 blocks them):
   * the same native builds pnpm-workspace.yaml allows, and the ones it ignores.
   */
  allowScripts: Record<string, boolean>;
  /** pnpm-workspace.yaml's `onlyBuiltDependencies` and `ignoredBuiltDependencies`. */
  built: string[];
  ignored: string[];
}

/**
 * Reads what the starter takes from netlab's root: the package manager, engines, the versions
 * of Biome and TypeScript, and which native builds may run.
 *
 * @param root The repository root.
 * @returns The settings.
 */
export async function repoSettings(root: string): Promise<RepoSettings> {
  const repo = await readManifest(join(root, 'package.json'));
  const workspace = await readFile(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const built = yamlList(workspace, 'onlyBuiltDependencies');
  const ignored = yamlList(workspace, 'ignoredBuiltDependencies');
  const devTools = repo.devDependencies ?? {};
  const tools = { '@biomejs/biome': devTools['@biomejs/biome'], typescript: devTools.typescript };
  const allowScripts = Object.fromEntries([
    ...built.map((name) => [name, true] as const),
    ...ignored.map((name) => [name, false] as const),
  ]);
  return {
    allowScripts,
    built,
    ignored,
    packageManager: String(repo.packageManager),
    engines: (repo.engines ?? {}) as Record<string, string>,
    tools: Object.fromEntries(Object.entries(tools).filter(([, v]) => v)) as Record<string, string>,
  };
}

function yamlList(yaml: string, key: string): string[] {
  // The list right under `key:`, up to the first line that is not an item.
  const lines = (yaml.split(new RegExp(`^${key}:\\n`, 'm'))[1] ?? '').split('\n');
  const items: string[] = [];
  for (const line of lines) {
    const item = /^\s+-\s+(\S+)/.exec(line);
    if (!item) break;
    items.push(item[1] as string);
  }
  return items;
}

// Generous per-test and per-hook limits: suites start real servers, on machines that may be small.
const TEST_SCRIPT =
  'tsc -p . && biome check . && vitest run --testTimeout=30000 --hookTimeout=120000';

/**
 * The starter's root package.json: the app's own manifest, named after its folder, made a
 * workspace root for npm (`workspaces`) and pnpm (pnpm-workspace.yaml, written separately),
 * with `test` running typecheck, lint and the tests in one go.
 *
 * @param app The app's manifest in the repository.
 * @param appName The app's folder name, the starter's package name.
 * @param repo Settings taken from the repository root.
 * @returns The new manifest.
 */
export function rootManifest(app: Manifest, appName: string, repo: RepoSettings): Manifest {
  const { name: _name, ...rest } = app;
  return {
    name: appName,
    ...rest,
    packageManager: repo.packageManager,
    engines: repo.engines,
    workspaces: ['packages/*'],
    scripts: { ...app.scripts, test: TEST_SCRIPT },
    dependencies: unlink(app.dependencies),
    devDependencies: sortKeys({ ...repo.tools, ...unlink(app.devDependencies) }),
    allowScripts: repo.allowScripts,
  };
}

/**
 * A shared package's manifest inside the starter: runtime dependencies only (its tests stay in
 * netlab), workspace links made `*`, no scripts that would look for those tests, and only the
 * `exports` entries whose files the starter carries.
 *
 * @param pkg The package as found in the repository.
 * @param carried Whether a path relative to the package folder is in the starter (default: all).
 * @returns The new manifest.
 */
export function packageManifest(
  pkg: LocalPackage,
  carried: (path: string) => boolean = () => true,
): Manifest {
  const { scripts: _scripts, devDependencies: _dev, ...rest } = pkg.manifest;
  const manifest: Manifest = { ...rest, dependencies: unlink(pkg.manifest.dependencies) };
  const exports = pkg.manifest.exports;
  if (exports && typeof exports === 'object') {
    manifest.exports = Object.fromEntries(
      Object.entries(exports).filter(([, target]) => typeof target !== 'string' || carried(target)),
    );
  }
  return manifest;
}

// `workspace:*` is pnpm's; npm rejects it. `*` resolves to the local workspace package in npm,
// and in pnpm with linkWorkspacePackages on.
function unlink(deps: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!deps) return undefined;
  return Object.fromEntries(
    Object.entries(deps).map(([name, spec]) => [name, spec.startsWith('workspace:') ? '*' : spec]),
  );
}

function sortKeys(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
