/** Every app exports with nothing pointing back into netlab; refusals have codes. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportApp, findApps, listFiles } from './index.ts';
import { benchPackages } from './lean.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let scratch: string;
const REACHES_UP = /(from\s+|import\(\s*|require\(\s*|"extends":\s*)['"](\.\.\/){2}/;
// Commands and folders that exist only in netlab itself (issue #18).
const NETLAB_ONLY =
  /pnpm (?:-s |--silent )?--filter|tools\/tour|pnpm transcripts|pnpm starter|tools\//;
const MD_LINK = /\]\(([^)#\s]+)(?:#[^)]*)?\)/g;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'starter-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('exportApp', { timeout: 60_000 }, () => {
  test.each(findApps(root))('%s exports with nothing pointing back into netlab', async (app) => {
    const dir = join(scratch, app);
    const result = await exportApp(root, app, dir);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(manifest.name).toBe(app);
    expect(new Set(result.files).size).toBe(result.files.length);
    expect(manifest.workspaces).toEqual(['packages/*']);
    expect(manifest.packageManager).toMatch(/^pnpm@[\d.]+\+sha512\./);
    // npm 12 runs no dependency install script that allowScripts does not list: the native
    // builds netlab's pnpm-workspace.yaml allows are allowed.
    const workspace = await readFile(join(root, 'pnpm-workspace.yaml'), 'utf8');
    const built = (/^onlyBuiltDependencies:\n((?:\s+- .+\n)+)/m.exec(workspace)?.[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/^\s+- /, '').trim())
      .filter(Boolean);
    expect(built).toContain('esbuild');
    expect(manifest.allowScripts).toMatchObject(Object.fromEntries(built.map((n) => [n, true])));
    for (const file of result.files) {
      const text = await readFile(join(dir, file), 'utf8');
      expect(text, file).not.toContain(root);
      // READMEs, help texts and comments speak of the exported project.
      const netlabOnly = text.split('\n').filter((line) => NETLAB_ONLY.test(line));
      expect(netlabOnly, file).toEqual([]);
      // A package README's lists and tables name only the files its copy holds.
      const pkg = /^packages\/[^/]+\//.exec(file)?.[0];
      if (pkg && file.endsWith('README.md')) {
        for (const line of text.split('\n').filter((l) => /^\s*[-|]/.test(l))) {
          for (const [, path] of line.matchAll(/`(src\/[^`\s]+\.ts)`/g)) {
            expect(existsSync(join(dir, pkg, path as string)), `${file}: ${line}`).toBe(true);
          }
        }
      }
      if (file.endsWith('.md')) {
        for (const [, target] of text.matchAll(MD_LINK)) {
          if (/^[a-z]+:/.test(target as string)) continue;
          expect(
            existsSync(join(dir, dirname(file), target as string)),
            `${file} -> ${target}`,
          ).toBe(true);
        }
      }
      if (file.endsWith('package.json')) expect(text, file).not.toContain('workspace:');
      // Imports and configs may reach ../../ only inside packages/<name>/ (the starter's root).
      if (!file.startsWith('packages/')) expect(text, file).not.toMatch(REACHES_UP);
    }
    expect(
      result.files.some((file) => file.startsWith('packages/') && file.endsWith('.test.ts')),
    ).toBe(false);
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('npm install && npm test');
    expect(readme).not.toMatch(/pnpm\b.*--filter/);
  });

  test('carries the packages an app needs, transitively, and no others', async () => {
    const dir = join(scratch, 'deps');
    const result = await exportApp(root, 'tcp-chat', dir);
    // serialization depends on framing: it comes along even if tcp-chat did not name it.
    expect(result.packages).toEqual(expect.arrayContaining(['framing', 'serialization', 'cli']));
    expect(result.packages).not.toContain('tour');
    const framing = JSON.parse(await readFile(join(dir, 'packages/framing/package.json'), 'utf8'));
    expect(framing.devDependencies).toBeUndefined();
    expect(framing.scripts).toBeUndefined();
  });

  test.each(findApps(root))(
    '%s leaves its bench out by default and keeps it with --with-bench',
    async (app) => {
      const original = JSON.parse(await readFile(join(root, 'apps', app, 'package.json'), 'utf8'));
      const lean = await exportApp(root, app, join(scratch, `${app}-lean`));
      const manifest = JSON.parse(await readFile(join(lean.dir, 'package.json'), 'utf8'));
      expect(lean.files.filter((file) => /^bench\/|^BENCH\.md$/.test(file))).toEqual([]);
      expect(Object.values(manifest.scripts).join(' ')).not.toMatch(/\bbench\//);
      // The bench's own workspace package (bench/package.json) stays behind with its packages.
      const benchFile = join(root, 'apps', app, 'bench', 'package.json');
      const benchOwn = existsSync(benchFile)
        ? Object.keys(benchPackages(JSON.parse(await readFile(benchFile, 'utf8')), original))
        : [];
      const left = Object.keys(original.devDependencies ?? {}).filter(
        (name) => !(name in manifest.devDependencies),
      );
      expect([...new Set([...left, ...benchOwn])].sort()).toEqual(lean.leftOut.dependencies);
      for (const name of benchOwn) expect(manifest.devDependencies).not.toHaveProperty(name);
      // What was left out, nothing in the starter loads.
      for (const file of lean.files.filter((f) => /\.[cm]?[jt]s$/.test(f))) {
        const text = await readFile(join(lean.dir, file), 'utf8');
        for (const name of left) expect(text, file).not.toContain(`'${name}`);
      }

      const full = await exportApp(root, app, join(scratch, `${app}-bench`), { withBench: true });
      const withBench = JSON.parse(await readFile(join(full.dir, 'package.json'), 'utf8'));
      const bench = listFiles(root, `apps/${app}/bench`)
        .map((f) => f.slice(`apps/${app}/`.length))
        .filter((f) => f !== 'bench/package.json');
      expect(full.files).toEqual(expect.arrayContaining(bench));
      expect(full.files).not.toContain('bench/package.json');
      expect(withBench.scripts).toEqual({ ...original.scripts, test: manifest.scripts.test });
      // The bench package's packages join the starter's own manifest, so `npm install` gets them.
      expect(Object.keys(withBench.devDependencies)).toEqual(
        expect.arrayContaining([...Object.keys(original.devDependencies ?? {}), ...benchOwn]),
      );
      expect(full.leftOut).toEqual({ scripts: [], dependencies: [] });
      for (const file of full.files.filter((f) => /^bench\/|\.md$/.test(f))) {
        const text = await readFile(join(full.dir, file), 'utf8');
        expect(
          text.split('\n').filter((line) => NETLAB_ONLY.test(line)),
          file,
        ).toEqual([]);
      }
    },
  );

  test('carries only the package modules the app reaches, and every bin/ script', async () => {
    const dir = join(scratch, 'reach');
    const result = await exportApp(root, 'tcp-chat', dir);
    // tcp-chat parses endpoints and dials with Happy Eyeballs: the endpoint parser and the
    // connect helper travel; the netlab-ip CLI and the node:net adapters do not.
    expect(result.files).toContain('packages/addressing/src/endpoint.ts');
    expect(result.files).toContain('packages/addressing/src/connect.ts');
    expect(result.files).not.toContain('packages/addressing/src/main.ts');
    expect(result.files).not.toContain('packages/addressing/src/node-net.ts');
    const addressing = JSON.parse(
      await readFile(join(dir, 'packages/addressing/package.json'), 'utf8'),
    );
    expect(Object.keys(addressing.exports)).not.toContain('./node-net');
    for (const file of result.files.filter((f) => f.startsWith('packages/addressing/src/'))) {
      const text = await readFile(join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/'\.\/(index-)?node-net\.ts'/);
    }
    const bins = listFiles(root, 'packages/cli/bin').map((f) => f.replace(/^packages\/cli\//, ''));
    for (const bin of bins) expect(result.files).toContain(`packages/cli/${bin}`);
  });

  test('refuses an unknown app and a folder that is not empty', async () => {
    await expect(exportApp(root, 'no-such-app', join(scratch, 'x'))).rejects.toMatchObject({
      code: 'ERR_STARTER_UNKNOWN_APP',
    });
    const busy = join(scratch, 'busy');
    await exportApp(root, 'tcp-chat', busy);
    await writeFile(join(busy, 'mine.txt'), 'keep me');
    await expect(exportApp(root, 'tcp-chat', busy)).rejects.toMatchObject({
      code: 'ERR_STARTER_TARGET_NOT_EMPTY',
    });
    expect(await readFile(join(busy, 'mine.txt'), 'utf8')).toBe('keep me');
  });
});
