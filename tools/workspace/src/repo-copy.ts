/** A throwaway copy of the checkout (the files git tracks or would track), for workspace tests. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Copies the working tree as git sees it (tracked files plus new ones not ignored, so what a
 * commit would hold) into a new temporary folder; no node_modules, no caches.
 *
 * @returns The copy's folder and a function that removes it.
 */
export function copyRepo(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'netlab-copy-'));
  const listed = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    },
  );
  for (const file of listed.split('\0')) {
    if (file === '') continue;
    // A deleted file still listed by --cached is skipped: the copy holds what is on disk.
    try {
      cpSync(join(ROOT, file), join(dir, file));
    } catch {}
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
