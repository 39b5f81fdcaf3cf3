/** SFTP subsystem (server side) backed by the real file system, scoped to one root folder. */
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import type { Attributes, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import { applyAttrs, longname, openFlags, statusFor, toAttrs } from './sftp-attrs.ts';
import { type Gate, sftpGate } from './sftp-gate.ts';
import type { On } from './sftp-names.ts';
import { serveNameRequests } from './sftp-names.ts';
import { namePathInside, realPathInside } from './sftp-paths.ts';
import { sftpExitStatus } from './ssh2-gaps.ts';

const { STATUS_CODE } = ssh2.utils.sftp;

/** Bound on open handles per SFTP session; more OPENs get FAILURE until some are closed. */
const MAX_HANDLES = 256;
/** Largest READ answered at once; clients accept short reads (OpenSSH asks for 32 KiB). */
const MAX_READ = 64 * 1024;
/** Entries per READDIR reply: keeps each NAME packet far below the 256 KiB packet limit. */
const DIR_BATCH = 100;

type Handle =
  | { kind: 'file'; file: FileHandle }
  | { kind: 'dir'; path: string; names: string[] | undefined };

/** Answer every request of one SFTP session; each reply is a status, handle, data, name or attrs. */
export function serveSftp(
  sftp: SFTPWrapper,
  rootDir: string,
  activity: () => void,
  onAbuse: (why: string) => void = () => {},
): void {
  const handles = new Map<number, Handle>();
  let nextId = 1;
  const rootReady = fs.realpath(rootDir);
  const real = async (p: string) => realPathInside(await rootReady, p);
  const name = async (p: string) => namePathInside(await rootReady, p);
  const lookup = (h: Buffer) => (h.length === 4 ? handles.get(h.readUInt32BE(0)) : undefined);
  const gate: Gate = sftpGate(sftp, (why) => {
    onAbuse(why);
    sftp.end();
  });
  const newHandle = (reqId: number, h: Handle) => {
    const id = nextId++;
    handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    gate.reply(13, () => sftp.handle(reqId, buf));
  };
  const ok = (reqId: number) => gate.reply(30, () => sftp.status(reqId, STATUS_CODE.OK));
  const badHandle = (reqId: number) =>
    gate.reply(40, () => sftp.status(reqId, STATUS_CODE.FAILURE, 'invalid handle'));
  // One wrapper owns errors for every request: a failing request gets a status, never a crash,
  // and its message names the path as the client sent it (cut short), not the real one.
  const on: On = (event, fn) => {
    sftp.on(event, (reqId: number, ...given: never[]) => {
      activity();
      // ssh2 hands out handles and WRITE data as views into the packet buffer it received; a
      // request waiting its turn keeps its own copy rather than pinning that whole buffer.
      const args = given.map((a) => (Buffer.isBuffer(a) ? Buffer.from(a) : a)) as never[];
      const first = args[0] as unknown;
      const size = Buffer.isBuffer(args[2]) ? (args[2] as Buffer).length : 0; // WRITE's data
      gate.run(size, () =>
        fn(reqId, ...args).catch((err) => {
          const shown = typeof first === 'string' ? first.slice(0, 256) : undefined;
          const [code, message] = statusFor(err, shown);
          gate.reply(40 + message.length, () => sftp.status(reqId, code, message));
        }),
      );
    });
  };

  // Opens in flight count too: 300 OPENs at once must not all pass a check made before any ends.
  let opening = 0;
  const full = (reqId: number) => {
    if (handles.size + opening < MAX_HANDLES) return false;
    gate.reply(40, () => sftp.status(reqId, STATUS_CODE.FAILURE, 'too many open handles'));
    return true;
  };
  on('OPEN', async (reqId, path: string, pflags: number, attrs: Attributes) => {
    if (full(reqId)) return;
    opening++;
    try {
      await open(reqId, path, pflags, attrs);
    } finally {
      opening--;
    }
  });
  const open = async (reqId: number, path: string, pflags: number, attrs: Attributes) => {
    const flags = openFlags(pflags);
    if (flags === undefined)
      return gate.reply(40, () => sftp.status(reqId, STATUS_CODE.BAD_MESSAGE, 'bad open flags'));
    // O_NOFOLLOW (in flags): the resolved final name is opened as is, never through a link.
    // O_NONBLOCK (in flags too): a FIFO would otherwise block a thread of libuv's pool of 4,
    // which every file operation of the server shares, until a writer comes.
    const file = await fs.open(await real(path), flags, attrs?.mode ? attrs.mode & 0o7777 : 0o644);
    const st = await file.stat();
    if (!st.isFile()) {
      await file.close();
      const code = st.isDirectory() ? 'EISDIR' : 'ERR_NOT_REGULAR';
      throw Object.assign(new Error('not a regular file'), { code });
    }
    newHandle(reqId, { kind: 'file', file });
  };
  on('READ', async (reqId, handle: Buffer, offset: number, length: number) => {
    const h = lookup(handle);
    if (h?.kind !== 'file') return badHandle(reqId);
    const buf = Buffer.allocUnsafe(Math.min(length, MAX_READ));
    const { bytesRead } = await h.file.read(buf, 0, buf.length, offset);
    if (bytesRead === 0) return gate.reply(30, () => sftp.status(reqId, STATUS_CODE.EOF));
    gate.reply(bytesRead + 13, () => sftp.data(reqId, buf.subarray(0, bytesRead)));
  });
  on('WRITE', async (reqId, handle: Buffer, offset: number, data: Buffer) => {
    const h = lookup(handle);
    if (h?.kind !== 'file') return badHandle(reqId);
    await h.file.write(data, 0, data.length, offset);
    ok(reqId);
  });
  on('FSTAT', async (reqId, handle: Buffer) => {
    const h = lookup(handle);
    if (h?.kind !== 'file') return badHandle(reqId);
    const st = await h.file.stat();
    gate.reply(40, () => sftp.attrs(reqId, toAttrs(st)));
  });
  on('FSETSTAT', async (reqId, handle: Buffer, attrs: Attributes) => {
    const h = lookup(handle);
    if (h?.kind !== 'file') return badHandle(reqId);
    await applyAttrs(h.file, attrs);
    ok(reqId);
  });
  on('CLOSE', async (reqId, handle: Buffer) => {
    const h = lookup(handle);
    if (!h) return badHandle(reqId);
    handles.delete(handle.readUInt32BE(0));
    if (h.kind === 'file') await h.file.close();
    ok(reqId);
  });
  on('OPENDIR', async (reqId, path: string) => {
    if (full(reqId)) return;
    opening++;
    try {
      const dir = await real(path);
      if (!(await fs.stat(dir)).isDirectory())
        throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      newHandle(reqId, { kind: 'dir', path: dir, names: undefined });
    } finally {
      opening--;
    }
  });
  on('READDIR', async (reqId, handle: Buffer) => {
    const h = lookup(handle);
    if (h?.kind !== 'dir') return badHandle(reqId);
    h.names ??= ['.', '..', ...(await fs.readdir(h.path))];
    if (h.names.length === 0) return gate.reply(30, () => sftp.status(reqId, STATUS_CODE.EOF));
    const batch = h.names.splice(0, DIR_BATCH);
    const entries = await Promise.all(
      batch.map(async (filename) => {
        // A file deleted since readdir() is left out rather than failing the whole listing.
        const st = await fs.lstat(`${h.path}/${filename}`).catch(() => undefined);
        return st && { filename, longname: longname(filename, st), attrs: toAttrs(st) };
      }),
    );
    const found = entries.filter((e) => e !== undefined);
    gate.reply(found.length * 200, () => sftp.name(reqId, found));
  });
  serveNameRequests({ sftp, on, reply: gate.reply, real, name, root: rootReady, ok });
  // The client sent EOF: answer what is still running, then close the channel.
  // Exit status 0 first, as sshd's sftp-server gives, or `ssh -s sftp` (so scp) exits 255.
  sftp.on('end', () =>
    gate.whenIdle(() => {
      sftpExitStatus(sftp, 0);
      sftp.end();
    }),
  );
  // ssh2 emits 'error' for a malformed or oversized packet and closes the channel; without a
  // listener that would be an uncaught exception taking the whole server down.
  sftp.on('error', (err: Error) => onAbuse(`sftp protocol error: ${err.message}`));
  sftp.on('close', () => {
    gate.close();
    for (const h of handles.values()) if (h.kind === 'file') h.file.close().catch(() => {});
    handles.clear();
  });
}
