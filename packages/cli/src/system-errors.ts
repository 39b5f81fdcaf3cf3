/** Node's system errors (EADDRINUSE, ECONNREFUSED...) given a stable ERR_ code and what to do. */
import { isCodedError } from './errors.ts';

/** What a command tells the user about a failure: a stable code, the message, what to do. */
export interface ErrorReport {
  code?: string;
  message: string;
  hint?: string;
}

interface Known {
  code: string;
  hint: string;
}

// errno codes from libuv, as Node puts them on `error.code`. The ERR_ code is the stable one
// scripts match on; the hint is the next step, said as an instruction.
const KNOWN: Record<string, Known> = {
  EADDRINUSE: {
    code: 'ERR_ADDRESS_IN_USE',
    hint: 'another process holds that port: choose another with --port',
  },
  EADDRNOTAVAIL: {
    code: 'ERR_ADDRESS_NOT_AVAILABLE',
    hint: 'no interface of this machine has that address: check --host',
  },
  ECONNREFUSED: {
    code: 'ERR_CONNECTION_REFUSED',
    hint: 'nothing listens there: start the server, or check the host and port',
  },
  ECONNRESET: { code: 'ERR_CONNECTION_RESET', hint: 'the peer dropped the connection: retry' },
  ETIMEDOUT: { code: 'ERR_TIMEOUT', hint: 'the peer did not answer in time: check the address' },
  EHOSTUNREACH: { code: 'ERR_HOST_UNREACHABLE', hint: 'no route to that host: check the address' },
  ENETUNREACH: { code: 'ERR_NETWORK_UNREACHABLE', hint: 'no route to that network' },
  ENOTFOUND: { code: 'ERR_HOST_NOT_FOUND', hint: 'DNS has no address for that name' },
  EAI_AGAIN: { code: 'ERR_DNS_UNAVAILABLE', hint: 'DNS did not answer: retry later' },
  ENOENT: {
    code: 'ERR_FILE_NOT_FOUND',
    hint: 'check the path (relative paths start where you ran the command)',
  },
  EISDIR: { code: 'ERR_IS_A_DIRECTORY', hint: 'give a file, not a folder' },
  ENOTDIR: { code: 'ERR_NOT_A_DIRECTORY', hint: 'a part of the path is a file, not a folder' },
};

// EACCES means two different things: a port below 1024 without privileges, or a file.
function permission(error: NodeJS.ErrnoException): Known {
  if (error.syscall === 'listen' || error.syscall === 'bind') {
    return {
      code: 'ERR_PERMISSION_DENIED',
      hint: 'ports below 1024 need privileges: use --port 1024 or above',
    };
  }
  return { code: 'ERR_PERMISSION_DENIED', hint: 'check the file permissions' };
}

/**
 * Describes a thrown value for a user: netlab's coded errors keep their code (and their own
 * `hint` property, when they carry one); Node's system errors (`EADDRINUSE`, `ECONNREFUSED`, `ENOENT`...) get a stable `ERR_` code and a hint.
 *
 * @param error What was thrown.
 * @returns The code (when one is known), the message and, for system errors, what to do.
 * @example
 * describeError(Object.assign(new Error('listen EADDRINUSE 127.0.0.1:7000'), { code: 'EADDRINUSE' }));
 * // { code: 'ERR_ADDRESS_IN_USE', message: 'listen EADDRINUSE ...', hint: 'another process ...' }
 */
export function describeError(error: unknown): ErrorReport {
  const message = error instanceof Error ? error.message : String(error);
  if (!isCodedError(error)) return { message };
  const errno = error as NodeJS.ErrnoException;
  const known =
    errno.code === 'EACCES' || errno.code === 'EPERM' ? permission(errno) : KNOWN[error.code];
  // An error may carry its own next step (`hint`), better than the generic one.
  const own = (error as { hint?: unknown }).hint;
  const hint = typeof own === 'string' ? own : known?.hint;
  return { code: known?.code ?? error.code, message, ...(hint === undefined ? {} : { hint }) };
}
