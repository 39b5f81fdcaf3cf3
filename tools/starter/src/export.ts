/** exportApp: writes one app and the shared packages it uses as a standalone project. */

import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { CodedError } from '@netlab/cli';
import { type Manifest, readManifest } from './files.ts';
import type { BenchParts } from './lean.ts';
import { packageManifest, repoSettings, rootManifest } from './manifests.ts';
import { exportMarkdown } from './markdown.ts';
import { planExport } from './plan.ts';
import { pnpmWorkspace, starterBiome, starterReadme, starterWorkflow } from './texts.ts';

const run = promisify(execFile);

/** Errors of the export, with stable codes. */
export class StarterError extends CodedError<
  'ERR_STARTER_UNKNOWN_APP' | 'ERR_STARTER_TARGET_NOT_EMPTY'
> {
  override readonly name = 'StarterError';
}

/** How to export. */
export interface ExportOptions {
  /** Keep the app's bench/ folder, its scripts and the dependencies only it uses. */
  withBench?: boolean;
}

/** What {@link exportApp} wrote. */
export interface ExportResult {
  /** The target folder. */
  dir: string;
  /** The shared packages carried, by folder name. */
  packages: string[];
  /** Every file written, relative to the target. */
  files: string[];
  /** What a lean export left out: the bench's scripts and the devDependencies only it uses. */
  leftOut: BenchParts;
}

const CODE = /\.(?:[cm]?ts|[cm]?js|sh)$/;

/**
 * Exports `apps/<app>` as a project of its own: the app at the root (without its benchmarks,
 * unless asked), the `@netlab/*` package files it reaches under `packages/`, manifests that
 * resolve them locally under npm and pnpm alike, the shared TypeScript and Biome configs,
 * READMEs and help texts whose commands work there, and a CI workflow.
 *
 * @param root The netlab repository root.
 * @param app The app's folder name (`tcp-chat`).
 * @param dir The target folder; it must not exist or be empty.
 * @param options See {@link ExportOptions}.
 * @returns What was written.
 * @throws {StarterError} ERR_STARTER_UNKNOWN_APP, ERR_STARTER_TARGET_NOT_EMPTY.
 */
export async function exportApp(
  root: string,
  app: string,
  dir: string,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const appDir = `apps/${app}`;
  let full: Manifest;
  try {
    full = await readManifest(join(root, appDir, 'package.json'));
  } catch {
    throw new StarterError('ERR_STARTER_UNKNOWN_APP', `no app named '${app}' in ${root}/apps`);
  }
  if ((await readdir(dir).catch(() => [])).length > 0) {
    throw new StarterError('ERR_STARTER_TARGET_NOT_EMPTY', `${dir} exists and is not empty`);
  }
  const plan = await planExport(root, app, full, options);
  const { manifest, packages, carried, commands } = plan;
  const written: string[] = [];
  const reformat: string[] = [];
  const write = async (path: string, text: string): Promise<void> => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
    written.push(path);
  };
  // A file whose text the export changed goes to the formatter, so `biome check` stays green.
  const carry = async (from: string, to: string, text?: string): Promise<void> => {
    if (text === undefined && !CODE.test(from)) {
      await mkdir(dirname(join(dir, to)), { recursive: true });
      await copyFile(join(root, from), join(dir, to));
      written.push(to);
      return;
    }
    const original = await readFile(join(root, from), 'utf8');
    const changed = text ?? (CODE.test(from) ? commands(original) : original);
    if (changed !== original && /\.[cm]?[jt]s$/.test(to)) reformat.push(to);
    await write(to, changed);
  };
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const markdown = (text: string, base: string, dropSections: string[]): string =>
    exportMarkdown(text, {
      commands,
      dropSections,
      // A package README's `src/x.ts` is its own file; `packages/...` is from the root.
      exists: (path) =>
        plan.files.has(path.startsWith('packages/') ? path : posix.join(base, path)),
    });

  const appSections = ['Copy out', ...(options.withBench ? [] : ['Bench'])];
  for (const file of plan.appFiles) {
    const path = relative(appDir, file);
    const special = ['package.json', 'README.md', 'tsconfig.json', '.gitignore'];
    if (special.includes(path)) continue;
    if (!path.endsWith('.md')) await carry(file, path);
    else await write(path, markdown(await readFile(join(root, file), 'utf8'), '', appSections));
  }
  const repo = await repoSettings(root);
  await write('package.json', json(rootManifest(manifest, app, repo)));
  const tsconfig = await readFile(join(root, appDir, 'tsconfig.json'), 'utf8');
  await write(
    'tsconfig.json',
    tsconfig.replace('../../tsconfig.base.json', './tsconfig.base.json'),
  );
  const readme = await readFile(join(root, appDir, 'README.md'), 'utf8').catch(() => `# ${app}\n`);
  const intro = starterReadme(readme, app, carried, { peersCli: plan.peersCli });
  await write('README.md', markdown(intro, '', appSections));

  for (const pkg of packages) {
    const target = `packages/${basename(pkg.dir)}`;
    for (const file of plan.packageFiles.get(pkg.dir) ?? []) {
      const path = relative(pkg.dir, file);
      if (path === 'package.json') continue; // written below
      if (path !== 'README.md') await carry(file, `${target}/${path}`, plan.reached.cut.get(file));
      else {
        const text = partialNote(
          await readFile(join(root, file), 'utf8'),
          app,
          plan.partial.get(pkg.dir),
        );
        await write(`${target}/${path}`, markdown(text, target, ['Test', 'Bench', 'Copy out']));
      }
    }
    const exported = (path: string) => plan.files.has(posix.join(target, path));
    await write(`${target}/package.json`, json(packageManifest(pkg, exported)));
  }

  await carry('tsconfig.base.json', 'tsconfig.base.json');
  // netlab's ignores, then the app's own (`.demo/`) that it does not already have.
  const ignores = (path: string) => readFile(join(root, path), 'utf8').catch(() => '');
  const lines = `${await ignores('.gitignore')}\n${await ignores(`${appDir}/.gitignore`)}`
    .split('\n')
    .filter((line) => line.trim() !== '');
  await write('.gitignore', `${[...new Set(lines)].join('\n')}\n`);
  await write(
    'biome.json',
    starterBiome(JSON.parse(await readFile(join(root, 'biome.json'), 'utf8'))),
  );
  await write('pnpm-workspace.yaml', pnpmWorkspace(repo.built, repo.ignored));
  await write(
    '.github/workflows/ci.yml',
    starterWorkflow(
      packages.some((pkg) => pkg.name === '@netlab/peers'),
      plan.peersCli,
    ),
  );
  await formatFiles(root, dir, reformat);
  const names = packages.map((pkg) => basename(pkg.dir));
  return { dir, packages: names, files: written.sort(), leftOut: plan.leftOut };
}

// A package carried in part says so under its title: its README still describes all of it.
function partialNote(readme: string, app: string, counts?: [number, number]): string {
  if (!counts) return readme;
  const [title, ...rest] = readme.split('\n');
  const note = `> This copy holds the modules ${app} uses, ${counts[0]} of the package's ${counts[1]} source files; what follows describes the whole package, so it may name functions and subpaths this copy lacks.`;
  return [title, '', note, ...rest].join('\n');
}

// netlab's own Biome formats the files the export rewrote (a shorter help text may now fit on
// one line), with the starter's biome.json.
async function formatFiles(root: string, dir: string, files: string[]): Promise<void> {
  if (files.length === 0) return;
  const biome = join(root, 'node_modules', '.bin', 'biome');
  await run(biome, ['format', '--write', ...files], { cwd: dir });
}
