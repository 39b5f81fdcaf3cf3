/** SFTP attributes from and to the file system: ATTRS, `ls -l` long names, errno -> status code. */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import type { Attributes } from 'ssh2';
import ssh2 from 'ssh2';

const { STATUS_CODE } = ssh2.utils.sftp;

export function toAttrs(st: Stats): Attributes {
  return {
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    atime: Math.floor(st.atimeMs / 1000),
    mtime: Math.floor(st.mtimeMs / 1000),
  };
}

/** `ls -l` style line; OpenSSH's `sftp ls -l` prints it as is. */
export function longname(name: string, st: Stats): string {
  const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-';
  const rwx = 'rwxrwxrwx'.replace(/./g, (c, i: number) => (st.mode & (0o400 >> i) ? c : '-'));
  // ls: `Nov 22 12:55` for the last six months, `Nov 22  2025` for older files.
  const [, mon, day, year, hhmm] =
    /^\w+ (\w+) (\d+) (\d+) (\d+:\d+)/.exec(st.mtime.toString()) ?? [];
  const recent = Date.now() - st.mtimeMs < 182 * 86_400_000;
  const date = `${mon} ${day?.padStart(2)} ${recent ? hhmm : ` ${year}`}`;
  return `${type}${rwx} ${String(st.nlink).padStart(4)} ${String(st.uid).padEnd(8)} ${String(st.gid).padEnd(8)} ${String(st.size).padStart(12)} ${date} ${name}`;
}

export function statusFor(err: unknown): number {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return STATUS_CODE.NO_SUCH_FILE;
    case 'EACCES':
    case 'EPERM':
    case 'ERR_PATH_OUTSIDE_ROOT':
      return STATUS_CODE.PERMISSION_DENIED;
    default:
      return STATUS_CODE.FAILURE;
  }
}

/** SETSTAT/FSETSTAT: permissions, size (truncate) and times, whichever the client sent. */
export async function applyAttrs(target: string | FileHandle, attrs: Partial<Attributes>) {
  const ops =
    typeof target === 'string'
      ? {
          chmod: (m: number) => fs.chmod(target, m),
          truncate: (n: number) => fs.truncate(target, n),
          utimes: (a: number, m: number) => fs.utimes(target, a, m),
        }
      : target;
  if (attrs.mode !== undefined) await ops.chmod(attrs.mode & 0o7777);
  if (attrs.size !== undefined) await ops.truncate(attrs.size);
  if (attrs.atime !== undefined && attrs.mtime !== undefined)
    await ops.utimes(attrs.atime, attrs.mtime);
}
