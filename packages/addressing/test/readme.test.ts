/** The README's opening example runs as an app would run it, and prints what the README says. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROCESS = { timeout: 120_000 }; // child processes on a loaded 2-core machine
// The repository's base settings that matter for an app's file (tsconfig.base.json).
const TSC_FLAGS = [
  '--noEmit',
  '--strict',
  '--module',
  'nodenext',
  '--target',
  'es2023',
  '--types',
  'node',
  '--allowImportingTsExtensions',
  '--verbatimModuleSyntax',
  '--noUncheckedIndexedAccess',
  '--skipLibCheck',
];
const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(join(PACKAGE, 'README.md'), 'utf8');

/** The first fenced block with the given info string, after `from`. */
function block(info: string, from = 0): { text: string; end: number } {
  const start = readme.indexOf(`\`\`\`${info}\n`, from);
  if (start < 0) throw new Error(`no \`\`\`${info} block in README.md`);
  const body = start + info.length + 4;
  const end = readme.indexOf('\n```', body);
  return { text: readme.slice(body, end + 1), end };
}

// A throwaway project that depends on the package through a node_modules link, as an app
// does, so `@netlab/addressing/endpoint` resolves through package.json's `exports`.
const project = mkdtempSync(join(tmpdir(), 'addressing-readme-'));
const example = block('ts');
const api = block('ts', example.end);

beforeAll(() => {
  mkdirSync(join(project, 'node_modules', '@netlab'), { recursive: true });
  symlinkSync(PACKAGE, join(project, 'node_modules', '@netlab', 'addressing'), 'dir');
  symlinkSync(join(PACKAGE, 'node_modules', '@types'), join(project, 'node_modules', '@types'));
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(project, 'example.ts'), example.text);
  writeFileSync(join(project, 'api.ts'), api.text);
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('README', () => {
  it('opens with a 10-20 line example that runs and prints what it shows', PROCESS, async () => {
    const lines = example.text.trimEnd().split('\n').length;
    expect(lines).toBeGreaterThanOrEqual(10);
    expect(lines).toBeLessThanOrEqual(20);
    // tsx is resolved from the package (cwd); the example's imports from its own folder.
    const file = join(project, 'example.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
      cwd: PACKAGE,
      timeout: 30_000,
    });
    const port = /listening on \[::1\]:(\d+)/.exec(stdout)?.[1];
    expect(Number(port)).toBeGreaterThan(0);
    const shown = block('text', example.end).text;
    expect(stdout).toBe(shown.replace(/(listening on \[::1\]):\d+/, `$1:${port}`));
  });

  it('its example and its API block type-check as an app compiles them', PROCESS, async () => {
    const tsc = join(PACKAGE, 'node_modules', 'typescript', 'bin', 'tsc');
    const files = [join(project, 'example.ts'), join(project, 'api.ts')];
    try {
      await run(process.execPath, [tsc, ...TSC_FLAGS, ...files], { cwd: project, timeout: 60_000 });
    } catch (err) {
      throw new Error(`README code does not type-check:\n${(err as { stdout?: string }).stdout}`);
    }
  });
});
