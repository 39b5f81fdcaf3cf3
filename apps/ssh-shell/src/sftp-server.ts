/** SFTP subsystem (server side) backed by the real file system, scoped to one root folder. */
import { constants as fsConstants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import type { Attributes, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import { applyAttrs, longname, statusFor, toAttrs } from './sftp-attrs.ts';
import { realPathInside, virtualPath } from './sftp-paths.ts';

const { utils } = ssh2;
const { STATUS_CODE } = utils.sftp;

/** Bound on open handles per SFTP session; more OPENs get FAILURE until some are closed. */
const MAX_HANDLES = 256;
/** Largest READ answered at once; clients accept short reads (OpenSSH asks for 32 KiB). */
const MAX_READ = 64 * 1024;

type Handle =
  | { kind: 'file'; file: FileHandle }
  | { kind: 'dir'; path: string; names: string[] | undefined };
/** Entries per READDIR reply: keeps each NAME packet far below the 256 KiB packet limit. */
const DIR_BATCH = 100;

/** Answer every request of one SFTP session; each reply is a status, handle, data, name or attrs. */
export function serveSftp(sftp: SFTPWrapper, rootDir: string, activity: () => void): void {
  const handles = new Map<number, Handle>();
  let inFlight = 0;
  let ended = false;
  let nextId = 1;
  const rootReady = fs.realpath(rootDir);
  const resolve = async (p: string) => realPathInside(await rootReady, p);
  const lookup = (h: Buffer) => (h.length === 4 ? handles.get(h.readUInt32BE(0)) : undefined);
  const newHandle = (reqId: number, h: Handle) => {
    const id = nextId++;
    handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    sftp.handle(reqId, buf);
  };
  // One wrapper owns errors for every request: a failing request gets a status, never a crash.
  const on = (event: string, fn: (reqId: number, ...args: never[]) => Promise<void>) => {
    sftp.on(event, (reqId: number, ...args: never[]) => {
      activity();
      inFlight++;
      fn(reqId, ...args)
        .finally(() => {
          inFlight--;
          if (ended && inFlight === 0) sftp.end();
        })
        .catch((err) => sftp.status(reqId, statusFor(err), String(err.message ?? err)));
    });
  };
  const badHandle = (reqId: number) => sftp.status(reqId, STATUS_CODE.FAILURE, 'invalid handle');

  on('OPEN', async (reqId, path: string, flags: number, attrs: Attributes) => {
    if (handles.size >= MAX_HANDLES)
      return sftp.status(reqId, STATUS_CODE.FAILURE, 'too many open handles');
    const mode = utils.sftp.flagsToString(flags);
    if (!mode) return sftp.status(reqId, STATUS_CODE.BAD_MESSAGE, 'bad open flags');
    const file = await fs.open(
      await resolve(path),
      mode,
      attrs?.mode ? attrs.mode & 0o7777 : 0o644,
    );
    newHandle(reqId, { kind: 'file', file });
  });
  on('READ', async (reqId, handle: Buffer, offset: number, length: number) => {
    const h = lookup(handle);
    if (h?.kind !== 'file') return badHandle(reqId);
    const buf = Buffer.allocUnsafe(Math.min(length, MAX_READ));
    const { bytesRead } = await h.file.read(buf, 0, buf.length, offset);
    if (bytesRead === 0) return sftp.status(reqId, STATUS_CODE.EOF);
    sftp.data(reqId, buf.subarray(0, bytesRead));
  });
  on('WRITE', async (reqId, handle: Buffer, offset: number, data: Buffer) => {
    const h = lookup(handle);
    if (h?.kind !== 'file') return badHandle(reqId);
    await h.file.write(data, 0, data.length, offset);
    sftp.status(reqId, STATUS_CODE.OK);
  });
  on('FSTAT', async (reqId, handle: Buffer) => {
    const h = lookup(handle);
    if (h?.kind !== 'file') return badHandle(reqId);
    sftp.attrs(reqId, toAttrs(await h.file.stat()));
  });
  on('FSETSTAT', async (reqId, handle: Buffer, attrs: Attributes) => {
    const h = lookup(handle);
    if (h?.kind !== 'file') return badHandle(reqId);
    await applyAttrs(h.file, attrs);
    sftp.status(reqId, STATUS_CODE.OK);
  });
  on('CLOSE', async (reqId, handle: Buffer) => {
    const h = lookup(handle);
    if (!h) return badHandle(reqId);
    handles.delete(handle.readUInt32BE(0));
    if (h.kind === 'file') await h.file.close();
    sftp.status(reqId, STATUS_CODE.OK);
  });
  on('OPENDIR', async (reqId, path: string) => {
    const real = await resolve(path);
    if (!(await fs.stat(real)).isDirectory())
      return sftp.status(reqId, STATUS_CODE.FAILURE, 'not a directory');
    newHandle(reqId, { kind: 'dir', path: real, names: undefined });
  });
  on('READDIR', async (reqId, handle: Buffer) => {
    const h = lookup(handle);
    if (h?.kind !== 'dir') return badHandle(reqId);
    h.names ??= ['.', '..', ...(await fs.readdir(h.path))];
    if (h.names.length === 0) return sftp.status(reqId, STATUS_CODE.EOF);
    const batch = h.names.splice(0, DIR_BATCH);
    const entries = await Promise.all(
      batch.map(async (filename) => {
        // A file deleted since readdir() is left out rather than failing the whole listing.
        const st = await fs.lstat(`${h.path}/${filename}`).catch(() => undefined);
        return st && { filename, longname: longname(filename, st), attrs: toAttrs(st) };
      }),
    );
    sftp.name(
      reqId,
      entries.filter((e) => e !== undefined),
    );
  });
  on('STAT', async (reqId, path: string) =>
    sftp.attrs(reqId, toAttrs(await fs.stat(await resolve(path)))),
  );
  on('LSTAT', async (reqId, path: string) =>
    sftp.attrs(reqId, toAttrs(await fs.lstat(await resolve(path)))),
  );
  on('SETSTAT', async (reqId, path: string, attrs: Attributes) => {
    await applyAttrs(await resolve(path), attrs);
    sftp.status(reqId, STATUS_CODE.OK);
  });
  on('REMOVE', async (reqId, path: string) => {
    await fs.unlink(await resolve(path));
    sftp.status(reqId, STATUS_CODE.OK);
  });
  on('RMDIR', async (reqId, path: string) => {
    await fs.rmdir(await resolve(path));
    sftp.status(reqId, STATUS_CODE.OK);
  });
  on('MKDIR', async (reqId, path: string, attrs: Attributes) => {
    await fs.mkdir(await resolve(path), { mode: attrs?.mode ? attrs.mode & 0o7777 : 0o755 });
    sftp.status(reqId, STATUS_CODE.OK);
  });
  on('RENAME', async (reqId, from: string, to: string) => {
    const dest = await resolve(to);
    // SFTPv3 RENAME must fail when the target exists (OpenSSH uses posix-rename@ to overwrite).
    if (
      await fs.access(dest, fsConstants.F_OK).then(
        () => true,
        () => false,
      )
    )
      return sftp.status(reqId, STATUS_CODE.FAILURE, 'target exists');
    await fs.rename(await resolve(from), dest);
    sftp.status(reqId, STATUS_CODE.OK);
  });
  on('REALPATH', async (reqId, path: string) => {
    const v = virtualPath(path);
    sftp.name(reqId, [{ filename: v, longname: v, attrs: {} as Attributes }]);
  });
  // Links could point outside the root; refuse to create or reveal them.
  on('READLINK', async (reqId) => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED));
  on('SYMLINK', async (reqId) => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED));
  // The client sent EOF: answer what is still running, then close the channel.
  sftp.on('end', () => {
    ended = true;
    if (inFlight === 0) sftp.end();
  });
  sftp.on('close', () => {
    for (const h of handles.values()) if (h.kind === 'file') h.file.close().catch(() => {});
    handles.clear();
  });
}
