/** Fresh per-server state folders under the OS temp folder. */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetDir, trackDir } from './cleanup.ts';
import { sweepLeftovers, writeOwner } from './sweep.ts';

let swept = false;

/**
 * Creates `<tmpdir>/netlab-<name>-XXXXXX`, mode 0711: only we can list it, but unprivileged
 * users (Dovecot delivers mail as `nobody`) can traverse it to reach folders they own.
 * The first call in a process also sweeps what killed test processes left behind.
 */
export async function makeStateDir(name: string): Promise<string> {
  if (!swept) {
    swept = true;
    sweepLeftovers();
  }
  const dir = await mkdtemp(join(tmpdir(), `netlab-${name}-`));
  await chmod(dir, 0o711);
  trackDir(dir);
  writeOwner(dir);
  return dir;
}

/** Removes a state folder made by makeStateDir. */
export async function removeStateDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  forgetDir(dir);
}

/** Writes a file inside the state folder and returns its absolute path. */
export async function writeStateFile(
  dir: string,
  name: string,
  text: string,
  mode = 0o644,
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, { mode });
  return path;
}
