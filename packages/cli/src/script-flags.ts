/** The Node flags a package.json script runs with, for benches that start the same program. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads the Node flags of one of a package's scripts: the `--` words before the program,
 * leaving out `--import tsx`. A bench passes them to the processes it starts, so it measures
 * exactly what `pnpm run <script>` runs, and a flag changed in package.json reaches the bench.
 *
 * @param packageDir The folder holding package.json.
 * @param script The script's name, e.g. `server`.
 * @returns The flags in order, e.g. `['--initial-old-space-size=64']`.
 * @throws {Error} `ERR_NO_SCRIPT` when the package has no such script.
 * @example
 * // "server": "tsx --initial-old-space-size=64 src/main.ts server"
 * scriptNodeFlags(appDir, 'server'); // ['--initial-old-space-size=64']
 * // "crawl": "node --max-semi-space-size=4 --import tsx src/main.ts crawl"
 * scriptNodeFlags(appDir, 'crawl'); // ['--max-semi-space-size=4']
 */
export function scriptNodeFlags(packageDir: string, script: string): string[] {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const command: unknown = pkg.scripts?.[script];
  if (typeof command !== 'string') {
    const message = `${join(packageDir, 'package.json')} has no script "${script}"`;
    throw Object.assign(new Error(message), { code: 'ERR_NO_SCRIPT' });
  }
  const words = command.trim().split(/\s+/).slice(1); // after `node` or `tsx`
  const flags: string[] = [];
  for (let i = 0; i < words.length && words[i]!.startsWith('--'); i++) {
    if (words[i] === '--import')
      i++; // the loader and its value: the bench chooses its own
    else flags.push(words[i]!);
  }
  return flags;
}
