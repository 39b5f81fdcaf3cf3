/** The starter's package.json files: the app becomes the root, workspace links become `*`. */
import type { LocalPackage, Manifest } from './files.ts';

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
 * netlab), workspace links made `*`, and no scripts that would look for those tests.
 *
 * @param pkg The package as found in the repository.
 * @returns The new manifest.
 */
export function packageManifest(pkg: LocalPackage): Manifest {
  const { scripts: _scripts, devDependencies: _dev, ...rest } = pkg.manifest;
  return { ...rest, dependencies: unlink(pkg.manifest.dependencies) };
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
