/** Finds the apps that have a `demo` script, in a stable order. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One app the tour can run. */
export interface DemoApp {
  /** The folder name (`tcp-chat`). */
  name: string;
  /** The app's folder. */
  dir: string;
  /** The package.json description, shown under the heading. */
  description: string;
}

/**
 * Lists every `apps/<name>` whose package.json has a `demo` script, sorted by name.
 *
 * @param root The repository root.
 * @returns The apps, possibly none.
 */
export async function findDemoApps(root: string): Promise<DemoApp[]> {
  const appsDir = join(root, 'apps');
  let names: string[];
  try {
    names = (await readdir(appsDir)).sort();
  } catch {
    return [];
  }
  const apps: DemoApp[] = [];
  for (const name of names) {
    const dir = join(appsDir, name);
    let manifest: { description?: string; scripts?: Record<string, string> };
    try {
      manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue; // not a package (a stray folder): nothing to demo
    }
    if (manifest.scripts?.demo) apps.push({ name, dir, description: manifest.description ?? '' });
  }
  return apps;
}
