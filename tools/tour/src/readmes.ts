/** Finds the READMEs of the repository that carry transcripts. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Lists the repository's READMEs: the root's and every package's, app's and tool's.
 *
 * @param root The repository root.
 * @returns Absolute paths of the READMEs that exist.
 */
export function findReadmes(root: string): string[] {
  const files = [join(root, 'README.md')];
  for (const group of ['apps', 'packages', 'tools']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) files.push(join(dir, name, 'README.md'));
  }
  return files.filter((file) => existsSync(file));
}
