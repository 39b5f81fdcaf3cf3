/** ChatError: every tcp-chat failure, with a stable code; the same codes travel in error frames. */

import { CodedError } from '@netlab/cli';

/** Stable codes, shared by thrown errors and `error` frames on the wire. */
export type ChatErrorCode =
  | 'ERR_PROTOCOL_VERSION'
  | 'ERR_HELLO_REQUIRED'
  | 'ERR_INVALID_MESSAGE'
  | 'ERR_FRAME_TOO_LARGE'
  | 'ERR_BAD_FRAME'
  | 'ERR_NICK_IN_USE'
  | 'ERR_NO_SUCH_NICK'
  | 'ERR_NOT_IN_ROOM'
  | 'ERR_TOO_MANY_ROOMS'
  | 'ERR_RATE_LIMITED'
  | 'ERR_FLOOD'
  | 'ERR_SLOW_CONSUMER'
  | 'ERR_TOO_MANY_CONNECTIONS'
  | 'ERR_IDLE_TIMEOUT'
  | 'ERR_SERVER_SHUTDOWN'
  | 'ERR_SESSION_REPLACED'
  | 'ERR_INTERNAL'
  | 'ERR_BUS_DOWN'
  | 'ERR_BUS_CONFIG'
  | 'ERR_CONNECT'
  | 'ERR_TLS'
  | 'ERR_TLS_REQUIRED'
  | 'ERR_CLOSED'
  | 'ERR_TIMEOUT'
  | 'ERR_TLS_DEV_CERT';

/**
 * An error with a stable `code`; wrapping keeps the original as `cause`. `hint` is the user's
 * next step ("add --tls"), kept out of the message: the CLI prints it after the message, and
 * in its own field with `--json`. The code may also be one this client does not know: an
 * `error` frame carries whatever code the server sent (a newer server may have more).
 */
export class ChatError extends CodedError<ChatErrorCode | (string & {})> {
  override readonly name = 'ChatError';
}
