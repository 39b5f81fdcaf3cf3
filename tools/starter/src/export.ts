/** exportApp: writes one app and the shared packages it uses as a standalone project. */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import {
  isPackageRuntimeFile,
  listFiles,
  localPackages,
  type Manifest,
  readManifest,
} from './files.ts';
import { packageManifest, rootManifest } from './manifests.ts';
import { pnpmWorkspace, starterBiome, starterReadme, starterWorkflow } from './texts.ts';

/** Errors of the export, with stable codes. */
export class StarterError extends Error {
  constructor(
    readonly code: 'ERR_STARTER_UNKNOWN_APP' | 'ERR_STARTER_TARGET_NOT_EMPTY',
    message: string,
  ) {
    super(message);
    this.name = 'StarterError';
  }
}

/** What {@link exportApp} wrote. */
export interface ExportResult {
  /** The target folder. */
  dir: string;
  /** The shared packages carried, by folder name. */
  packages: string[];
  /** Every file written, relative to the target. */
  files: string[];
}

/**
 * Exports `apps/<app>` as a project of its own: the app at the root, the `@netlab/*` packages
 * it needs under `packages/` (sources only), manifests that resolve them locally under npm and
 * pnpm alike, the shared TypeScript and Biome configs, a README whose commands work there, and
 * a CI workflow.
 *
 * @param root The netlab repository root.
 * @param app The app's folder name (`tcp-chat`).
 * @param dir The target folder; it must not exist or be empty.
 * @returns What was written.
 * @throws {StarterError} ERR_STARTER_UNKNOWN_APP, ERR_STARTER_TARGET_NOT_EMPTY.
 */
export async function exportApp(root: string, app: string, dir: string): Promise<ExportResult> {
  const appDir = `apps/${app}`;
  let manifest: Manifest;
  try {
    manifest = await readManifest(join(root, appDir, 'package.json'));
  } catch {
    throw new StarterError('ERR_STARTER_UNKNOWN_APP', `no app named '${app}' in ${root}/apps`);
  }
  if ((await readdir(dir).catch(() => [])).length > 0) {
    throw new StarterError('ERR_STARTER_TARGET_NOT_EMPTY', `${dir} exists and is not empty`);
  }
  const repo = await readManifest(join(root, 'package.json'));
  const packages = await localPackages(root, manifest);
  const written: string[] = [];
  const write = async (path: string, text: string): Promise<void> => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
    written.push(path);
  };
  const copy = async (from: string, to: string): Promise<void> => {
    await mkdir(dirname(join(dir, to)), { recursive: true });
    await copyFile(join(root, from), join(dir, to));
    written.push(to);
  };
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

  for (const file of listFiles(root, appDir)) {
    const path = relative(appDir, file);
    if (path === 'package.json' || path === 'README.md' || path === 'tsconfig.json') continue;
    await copy(file, path);
  }
  const devTools = repo.devDependencies ?? {};
  const tools = { '@biomejs/biome': devTools['@biomejs/biome'], typescript: devTools.typescript };
  const workspace = await readFile(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const built = yamlList(workspace, 'onlyBuiltDependencies');
  const ignored = yamlList(workspace, 'ignoredBuiltDependencies');
  const allowScripts = Object.fromEntries([
    ...built.map((name) => [name, true] as const),
    ...ignored.map((name) => [name, false] as const),
  ]);
  const settings = {
    allowScripts,
    packageManager: String(repo.packageManager),
    engines: (repo.engines ?? {}) as Record<string, string>,
    tools: Object.fromEntries(Object.entries(tools).filter(([, v]) => v)) as Record<string, string>,
  };
  await write('package.json', json(rootManifest(manifest, app, settings)));
  const tsconfig = await readFile(join(root, appDir, 'tsconfig.json'), 'utf8');
  await write(
    'tsconfig.json',
    tsconfig.replace('../../tsconfig.base.json', './tsconfig.base.json'),
  );
  const readme = await readFile(join(root, appDir, 'README.md'), 'utf8').catch(() => `# ${app}\n`);
  const names = packages.map((pkg) => basename(pkg.dir));
  const carried = packages.map((pkg) => ({
    name: basename(pkg.dir),
    ...(pkg.manifest.scripts ? { scripts: pkg.manifest.scripts } : {}),
  }));
  await write('README.md', starterReadme(readme, app, carried));

  for (const pkg of packages) {
    const target = `packages/${basename(pkg.dir)}`;
    for (const file of listFiles(root, pkg.dir)) {
      const path = relative(pkg.dir, file);
      if (path === 'package.json' || !isPackageRuntimeFile(path)) continue;
      await copy(file, `${target}/${path}`);
    }
    await write(`${target}/package.json`, json(packageManifest(pkg)));
  }

  await copy('tsconfig.base.json', 'tsconfig.base.json');
  await copy('.gitignore', '.gitignore');
  await write(
    'biome.json',
    starterBiome(JSON.parse(await readFile(join(root, 'biome.json'), 'utf8'))),
  );
  await write('pnpm-workspace.yaml', pnpmWorkspace(built, ignored));
  await write('.github/workflows/ci.yml', starterWorkflow(names.includes('peers')));
  return { dir, packages: names, files: written.sort() };
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
