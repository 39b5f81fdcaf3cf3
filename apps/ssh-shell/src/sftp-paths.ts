/** SFTP path scoping: the client sees `/` as the server's SFTP root and can never leave it. */
import { realpath } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';

export class PathOutsideRoot extends Error {
  readonly code = 'ERR_PATH_OUTSIDE_ROOT';
}

/** Normalise a client path to an absolute virtual path (`..` stops at `/`). */
export function virtualPath(path: string): string {
  return posix.normalize(posix.join('/', path));
}

/**
 * Map a client path to a real path under `root` (already realpath'd). Symlinks are followed
 * for the deepest existing ancestor and the result must still lie inside the root, so a link
 * pointing to /etc cannot be used to read or write outside it.
 */
export async function realPathInside(root: string, path: string): Promise<string> {
  const real = join(root, virtualPath(path));
  let probe = real;
  let rest = '';
  for (;;) {
    try {
      const resolved = await realpath(probe);
      const full = rest ? join(resolved, rest) : resolved;
      if (full !== root && !full.startsWith(root + sep)) {
        throw new PathOutsideRoot(`${path} resolves outside the SFTP root`);
      }
      return real;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // Not there yet (a file being created): check its parent instead.
      const parent = join(probe, '..');
      if (parent === probe) return real;
      rest = rest ? join(posix.basename(probe), rest) : posix.basename(probe);
      probe = parent;
    }
  }
}
