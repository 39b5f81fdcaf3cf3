import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptNodeFlags } from './script-flags.ts';

function packageWith(scripts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'script-flags-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', scripts }));
  return dir;
}

describe('scriptNodeFlags', () => {
  const dir = packageWith({
    server: 'tsx --initial-old-space-size=64 src/main.ts server --port 1',
    crawl: 'node --max-semi-space-size=4 --heap-growing-percent=50 --import tsx src/main.ts crawl',
    plain: 'tsx src/main.ts',
  });

  it('reads the flags before the program of a tsx script', () => {
    expect(scriptNodeFlags(dir, 'server')).toEqual(['--initial-old-space-size=64']);
  });

  it('reads the flags of a node script, leaving out --import and its loader', () => {
    expect(scriptNodeFlags(dir, 'crawl')).toEqual([
      '--max-semi-space-size=4',
      '--heap-growing-percent=50',
    ]);
  });

  it('gives no flags for a script without any, and fails for a missing script', () => {
    expect(scriptNodeFlags(dir, 'plain')).toEqual([]);
    expect(() => scriptNodeFlags(dir, 'nope')).toThrow(
      expect.objectContaining({ code: 'ERR_NO_SCRIPT' }),
    );
  });
});
