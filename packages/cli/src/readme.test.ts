/** The README's Read-first example runs as an app runs it and prints what the README shows. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(join(PACKAGE, 'README.md'), 'utf8');

/** The body of the first fenced block with this info string after `from`, and where it ends. */
function block(info: string, from = 0): { text: string; end: number } {
  const start = readme.indexOf(`\`\`\`${info}\n`, from);
  if (start < 0) throw new Error(`no \`\`\`${info} block in README.md`);
  const body = start + info.length + 4;
  const end = readme.indexOf('\n```', body);
  return { text: readme.slice(body, end + 1), end };
}

// A throwaway app that depends on @netlab/cli through a node_modules link, so the import
// resolves through package.json's `exports` as it does in an app.
const project = mkdtempSync(join(tmpdir(), 'cli-readme-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('README', () => {
  it('opens with a Read first section, its example within the first 40 lines', () => {
    const lines = readme.split('\n');
    expect(lines.indexOf('## Read first')).toBeGreaterThan(0);
    expect(lines.indexOf('## Read first')).toBeLessThan(40);
    const example = block('ts');
    expect(readme.slice(0, example.end).split('\n').length).toBeLessThanOrEqual(40);
  });

  it('its example prints each line and exit code the README shows', { timeout: 120_000 }, () => {
    const example = block('ts');
    mkdirSync(join(project, 'node_modules', '@netlab'), { recursive: true });
    symlinkSync(PACKAGE, join(project, 'node_modules', '@netlab', 'cli'), 'dir');
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(project, 'demo.ts'), example.text);
    const shown = block('text', example.end).text;
    let ran = 0;
    // Each `$ node --import tsx demo.ts ARGS` line, then its output, then `[exit N]`.
    for (const [, args, output, code] of shown.matchAll(
      /^\$ node --import tsx demo\.ts ?(.*)\n([\s\S]*?)\[exit (\d+)\]$/gm,
    )) {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(project, 'demo.ts'), ...args!.split(' ').filter(Boolean)],
        { cwd: PACKAGE, encoding: 'utf8', env: { ...process.env, NODE_DEBUG: '' } },
      );
      expect(result.stdout + result.stderr, args).toBe(output);
      expect(result.status, args).toBe(Number(code));
      ran++;
    }
    expect(ran).toBe(3);
  });
});
