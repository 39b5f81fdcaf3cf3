/** SFTP path scoping: the client sees `/` as the server's SFTP root and can never leave it. */
import { lstat, realpath } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { CodedError } from '@netlab/cli';

/** A path that would leave the root; answered PERMISSION_DENIED, never with the real path. */
export class PathOutsideRoot extends CodedError<'ERR_PATH_OUTSIDE_ROOT'> {
  override readonly name = 'PathOutsideRoot';

  constructor(message: string) {
    super('ERR_PATH_OUTSIDE_ROOT', message);
  }
}

/** Longest client path accepted (Linux PATH_MAX); longer ones are a bad message, not a lookup. */
export const MAX_PATH_BYTES = 4096;

/** Normalise a client path to an absolute virtual path (`..` stops at `/`). */
export function virtualPath(path: string): string {
  if (Buffer.byteLength(path) > MAX_PATH_BYTES || path.includes('\0')) {
    throw Object.assign(new Error('path too long or with a NUL byte'), { code: 'ENAMETOOLONG' });
  }
  // SFTP paths are strings the client chose: joined to `/` first, `../../etc` normalises to
  // `/etc` inside the root, never to a parent of it.
  return posix.normalize(posix.join('/', path));
}

/** With the separator: `/srv/rootfoo` is not inside `/srv/root`. */
function inside(root: string, real: string): boolean {
  return real === root || real.startsWith(root === sep ? root : root + sep);
}

/**
 * The real path of a client path's final component, NOT following it if it is a link: the
 * parent folder is resolved (every link in it followed) and must lie inside `root` (already
 * realpath'd). For lstat, remove, rmdir, rename, mkdir and readlink, which act on the name.
 */
export async function namePathInside(root: string, path: string): Promise<string> {
  const v = virtualPath(path);
  if (v === '/') return root;
  // Normalising text is not enough: a link inside the root may point outside it, so the
  // parent is resolved on the real file system and checked again.
  const parent = await realpath(join(root, posix.dirname(v)));
  if (!inside(root, parent)) throw new PathOutsideRoot(`${v} resolves outside the SFTP root`);
  return join(parent, posix.basename(v));
}

/**
 * The real path of what a client path names, following links, for stat, open, opendir and
 * setstat. It must lie inside `root`. A name that does not exist yet maps to its place in a
 * real parent (a file being created: open it with O_NOFOLLOW so no link slips in there).
 * A link whose target does not exist is refused: following it would create that target,
 * which may be anywhere (`ln -s /outside/x.txt ROOT/dangle`, then `put f /dangle`).
 */
export async function realPathInside(root: string, path: string): Promise<string> {
  const name = await namePathInside(root, path);
  let real: string;
  try {
    real = await realpath(name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const st = await lstat(name).catch(() => undefined);
    if (st?.isSymbolicLink()) throw new PathOutsideRoot(`${virtualPath(path)} is a dangling link`);
    return name;
  }
  if (!inside(root, real))
    throw new PathOutsideRoot(`${virtualPath(path)} resolves outside the SFTP root`);
  return real;
}

/** The client's view of a real path under `root`, or undefined if it lies outside. */
export function clientView(root: string, real: string): string | undefined {
  if (!inside(root, real)) return undefined;
  return `/${real.slice(root.length).split(sep).filter(Boolean).join('/')}`;
}
