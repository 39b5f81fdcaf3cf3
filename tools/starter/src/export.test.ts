/** Every app exports with nothing pointing back into netlab; refusals have codes. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportApp, findApps } from './index.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let scratch: string;
const REACHES_UP = /(from\s+|import\(\s*|require\(\s*|"extends":\s*)['"](\.\.\/){2}/;

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
    expect(manifest.workspaces).toEqual(['packages/*']);
    expect(manifest.packageManager).toMatch(/^pnpm@[\d.]+\+sha512\./);
    // npm 12 runs no dependency install script that allowScripts does not list.
    expect(manifest.allowScripts).toMatchObject({ esbuild: true, 'node-pty': true });
    for (const file of result.files) {
      const text = await readFile(join(dir, file), 'utf8');
      expect(text, file).not.toContain(root);
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
