/** put/get over SFTP with ssh2's parallel fastPut/fastGet, reporting progress as bytes move. */
import { stat } from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';
import { SshShellError } from './errors.ts';

export interface TransferOptions {
  /** Called with bytes done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Parallel requests in flight (ssh2 default 64) and bytes each. */
  concurrency?: number;
  chunkSize?: number;
}

function sftpError(what: string, err: unknown): SshShellError {
  const code = (err as { code?: number }).code;
  // SFTP status 2 = NO_SUCH_FILE, 3 = PERMISSION_DENIED (draft-ietf-secsh-filexfer-02 §7).
  const reason =
    code === 2 ? 'no such file' : code === 3 ? 'permission denied' : (err as Error).message;
  return new SshShellError('ERR_SFTP', `${what}: ${reason}`, { cause: err });
}

/** Upload a local file; resolves with the byte count. */
export async function put(
  sftp: SFTPWrapper,
  local: string,
  remote: string,
  o: TransferOptions = {},
) {
  const size = (
    await stat(local).catch((err) => {
      throw new SshShellError('ERR_SFTP', `cannot read ${local}`, { cause: err });
    })
  ).size;
  await new Promise<void>((resolve, reject) => {
    sftp.fastPut(
      local,
      remote,
      {
        concurrency: o.concurrency ?? 64,
        chunkSize: o.chunkSize ?? 32768,
        step: (done, _chunk, total) => o.onProgress?.(done, total),
      },
      (err) => (err ? reject(sftpError(`put ${remote}`, err)) : resolve()),
    );
  });
  return size;
}

/** Download a remote file; resolves with the byte count. */
export async function get(
  sftp: SFTPWrapper,
  remote: string,
  local: string,
  o: TransferOptions = {},
) {
  const size = await new Promise<number>((resolve, reject) =>
    sftp.stat(remote, (err, st) =>
      err ? reject(sftpError(`get ${remote}`, err)) : resolve(st.size),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    sftp.fastGet(
      remote,
      local,
      {
        concurrency: o.concurrency ?? 64,
        chunkSize: o.chunkSize ?? 32768,
        step: (done, _chunk, total) => o.onProgress?.(done, total),
      },
      (err) => (err ? reject(sftpError(`get ${remote}`, err)) : resolve()),
    );
  });
  return size;
}
