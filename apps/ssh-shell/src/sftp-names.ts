/** SFTP requests on names (stat, lstat, setstat, remove, rmdir, mkdir, rename, realpath, readlink, symlink). */
import * as fs from 'node:fs/promises';
import type { Attributes, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import { applyAttrs, toAttrs } from './sftp-attrs.ts';
import type { Gate } from './sftp-gate.ts';
import { clientView, virtualPath } from './sftp-paths.ts';

const { STATUS_CODE } = ssh2.utils.sftp;

/** Registers a request handler; the handler's errors become status replies (sftp-server.ts). */
export type On = (event: string, fn: (reqId: number, ...args: never[]) => Promise<void>) => void;

export interface NameContext {
  sftp: SFTPWrapper;
  on: On;
  reply: Gate['reply'];
  /** The real path of what a client path names, links followed inside the root only. */
  real(path: string): Promise<string>;
  /** The real path of the name itself, its final link not followed. */
  name(path: string): Promise<string>;
  root: Promise<string>;
  ok(reqId: number): void;
}

export function serveNameRequests({ sftp, on, reply, real, name, root, ok }: NameContext): void {
  on('STAT', async (reqId, path: string) => {
    const st = await fs.stat(await real(path));
    reply(40, () => sftp.attrs(reqId, toAttrs(st)));
  });
  on('LSTAT', async (reqId, path: string) => {
    const st = await fs.lstat(await name(path));
    reply(40, () => sftp.attrs(reqId, toAttrs(st)));
  });
  on('SETSTAT', async (reqId, path: string, attrs: Attributes) => {
    await applyAttrs(await real(path), attrs);
    ok(reqId);
  });
  on('REMOVE', async (reqId, path: string) => {
    await fs.unlink(await name(path)); // unlink removes a link itself, never its target
    ok(reqId);
  });
  on('RMDIR', async (reqId, path: string) => {
    await fs.rmdir(await name(path));
    ok(reqId);
  });
  on('MKDIR', async (reqId, path: string, attrs: Attributes) => {
    await fs.mkdir(await name(path), { mode: attrs?.mode ? attrs.mode & 0o7777 : 0o755 });
    ok(reqId);
  });
  on('RENAME', async (reqId, from: string, to: string) => {
    const [src, dest] = [await name(from), await name(to)];
    // SFTPv3 RENAME must fail when the target exists (OpenSSH uses posix-rename@ to overwrite).
    if (
      await fs.lstat(dest).then(
        () => true,
        () => false,
      )
    )
      throw Object.assign(new Error('target exists'), { code: 'EEXIST' });
    await fs.rename(src, dest);
    ok(reqId);
  });
  on('REALPATH', async (reqId, path: string) => {
    const v = virtualPath(path);
    reply(200, () => sftp.name(reqId, [{ filename: v, longname: v, attrs: {} as Attributes }]));
  });
  // A link is shown as the client's path of its target, and only when that lies inside.
  on('READLINK', async (reqId, path: string) => {
    const link = await name(path);
    await fs.readlink(link); // EINVAL when it is not a link at all
    const target = clientView(await root, await fs.realpath(link));
    if (target === undefined)
      throw Object.assign(new Error('outside'), { code: 'ERR_PATH_OUTSIDE_ROOT' });
    const entry = { filename: target, longname: target, attrs: {} as Attributes };
    reply(200, () => sftp.name(reqId, [entry]));
  });
  // New links could point anywhere; refuse to create them.
  on('SYMLINK', async (reqId) =>
    reply(40, () => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, 'symlink not supported')),
  );
}
