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

/**
 * A failed request as SFTP status and message. The message names the path as the client sent
 * it, never the server's real path (Node's messages carry that: `EISDIR ... '/real/home/x'`).
 * Codes as OpenSSH's sftp-server maps errno (draft-ietf-secsh-filexfer-02 §7).
 */
export function statusFor(err: unknown, clientPath?: string): [number, string] {
  const code = (err as NodeJS.ErrnoException).code;
  const what = clientPath === undefined ? '' : `: ${clientPath}`;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return [STATUS_CODE.NO_SUCH_FILE, `no such file${what}`];
    case 'EACCES':
    case 'EPERM':
      return [STATUS_CODE.PERMISSION_DENIED, `permission denied${what}`];
    case 'ERR_PATH_OUTSIDE_ROOT':
    case 'ELOOP': // O_NOFOLLOW met a link where a file was expected
      return [STATUS_CODE.PERMISSION_DENIED, `outside the SFTP root${what}`];
    case 'ENAMETOOLONG':
    case 'EINVAL':
      return [STATUS_CODE.BAD_MESSAGE, `bad path or argument${what}`];
    case 'EISDIR':
      return [STATUS_CODE.FAILURE, `is a directory${what}`];
    case 'ERR_NOT_REGULAR':
      return [STATUS_CODE.FAILURE, `not a regular file${what}`];
    case 'EEXIST':
      return [STATUS_CODE.FAILURE, `already exists${what}`];
    case 'ENOTEMPTY':
      return [STATUS_CODE.FAILURE, `directory not empty${what}`];
    case 'ENOSPC':
    case 'EDQUOT':
      return [STATUS_CODE.FAILURE, 'no space left'];
    default:
      return [STATUS_CODE.FAILURE, `failure${what}`];
  }
}

/** SFTP v3 pflags (filexfer-02 §6.3) as open(2) flags; the final component is never followed. */
export function openFlags(pflags: number): number | undefined {
  const { O_RDONLY, O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_TRUNC, O_EXCL, O_NOFOLLOW, O_NONBLOCK } =
    fs.constants;
  const read = (pflags & 0x1) !== 0;
  const write = (pflags & 0x2) !== 0;
  if (!read && !write) return undefined;
  let flags = read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
  if (pflags & 0x4) flags |= O_APPEND;
  if (pflags & 0x8) flags |= O_CREAT;
  if (pflags & 0x10) flags |= O_TRUNC;
  if (pflags & 0x20) flags |= O_EXCL;
  // O_NONBLOCK changes nothing for regular files; a FIFO's open no longer waits (see OPEN).
  return flags | O_NOFOLLOW | O_NONBLOCK;
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
