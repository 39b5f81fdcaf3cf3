/** Errors of ssh-shell: one class, stable string codes, the cause kept when wrapping. */
import { CodedError } from '@netlab/cli';

export type SshShellErrorCode =
  | 'ERR_HOST_KEY_UNKNOWN'
  | 'ERR_HOST_KEY_CHANGED'
  | 'ERR_HOST_KEY_REVOKED'
  | 'ERR_KNOWN_HOSTS'
  | 'ERR_AUTH_FAILED'
  | 'ERR_NO_IDENTITY'
  | 'ERR_KEY_ENCRYPTED'
  | 'ERR_BAD_KEY'
  | 'ERR_AUTHORIZED_KEYS'
  | 'ERR_PASSWORD_FILE'
  | 'ERR_CONNECT'
  | 'ERR_TIMEOUT'
  | 'ERR_DISCONNECTED'
  | 'ERR_CHANNEL'
  | 'ERR_SFTP'
  | 'ERR_HOSTS_FILE'
  | 'ERR_STATE_DIR'
  | 'ERR_DIRECTORY';

/** netlab's CodedError with ssh-shell's codes: runMain prints it as `SshShellError: CODE message`. */
export class SshShellError extends CodedError<SshShellErrorCode> {
  override readonly name = 'SshShellError';
}

/** Narrow an unknown thrown value to something with a message (and maybe a code). */
export function describe(err: unknown): { code: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'ERR_UNEXPECTED', message: err.message };
  }
  return { code: 'ERR_UNEXPECTED', message: String(err) };
}
