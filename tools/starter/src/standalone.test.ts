/** Every app, exported into a temporary folder, installs and passes its own `pnpm test` there. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportApp, findApps } from './index.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'starter-standalone-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

// One app at a time: each suite starts real servers, and the machine may have two cores.
describe.sequential('exported starters', () => {
  test.each(findApps(root))(
    '%s installs and passes its own tests outside this repository',
    async (app) => {
      const dir = join(scratch, app);
      await exportApp(root, app, dir);
      const env = { ...process.env, CI: 'true', NO_COLOR: '1', TURBO_TELEMETRY_DISABLED: '1' };
      // Everything the starter needs is already in the pnpm store from netlab's own install.
      await run('pnpm', ['install', '--prefer-offline'], { cwd: dir, env, maxBuffer: 1 << 26 });
      const result = await run('pnpm', ['test'], { cwd: dir, env, maxBuffer: 1 << 26 }).catch(
        (error: { code?: number; stdout?: string; stderr?: string }) => error,
      );
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
      expect('code' in result ? result.code : 0, output.slice(-4000)).toBe(0);
      expect(output).toMatch(/Tests\s+\S*\d+ passed/);
    },
    600_000,
  );

  // The bench and the packages only it loads (Crawlee, from netlab's bench package) come back
  // with --with-bench, install, and typecheck (bench/tsconfig.json extends the app's).
  test('http-scraper --with-bench installs and typechecks its bench', async () => {
    const dir = join(scratch, 'http-scraper-bench');
    const result = await exportApp(root, 'http-scraper', dir, { withBench: true });
    expect(result.files).toContain('bench/run.ts');
    const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
    await run('pnpm', ['install', '--prefer-offline'], { cwd: dir, env, maxBuffer: 1 << 26 });
    for (const project of ['.', 'bench']) {
      const check = await run('pnpm', ['exec', 'tsc', '-p', project], { cwd: dir, env }).catch(
        (error: { code?: number; stdout?: string; stderr?: string }) => error,
      );
      const output = `${check.stdout ?? ''}${check.stderr ?? ''}`;
      expect('code' in check ? check.code : 0, `${project}: ${output.slice(-4000)}`).toBe(0);
    }
    const lean = await exportApp(root, 'http-scraper', join(scratch, 'http-scraper-lean'));
    expect(lean.leftOut.dependencies).toContain('@crawlee/cheerio');
    for (const name of lean.leftOut.dependencies) {
      expect(existsSync(join(dir, 'node_modules', name, 'package.json')), name).toBe(true);
    }
  }, 600_000);
});
