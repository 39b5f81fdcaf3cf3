/** SerializationError: every serialization failure, with a stable code and the bad field's path. */

/** Stable codes carried by {@link SerializationError}. */
export type SerializationErrorCode =
  /** Bytes that are not MessagePack, not a message, of an unknown type, or with a bad field. */
  | 'ERR_INVALID_MESSAGE'
  /** A message that cannot be encoded (a value MessagePack cannot represent, a cycle). */
  | 'ERR_ENCODE_FAILED';

/** Extra facts a {@link SerializationError} may carry. */
export interface SerializationErrorDetails {
  /** Path of the bad field, e.g. `room` or `members[2].nick` (`''` for the whole message). */
  path?: string;
  /** The message type involved, when known. */
  messageType?: string;
  /** The underlying error (msgpackr's, zod's), kept for debugging. */
  cause?: unknown;
}

/**
 * The one error type thrown by `@netlab/serialization`. Branch on `code`, never on `message`.
 *
 * @example
 * try {
 *   protocol.decode(bytes);
 * } catch (err) {
 *   if (err instanceof SerializationError) console.error(err.code, err.path, err.message);
 * }
 */
export class SerializationError extends Error {
  override readonly name = 'SerializationError';
  /** Stable machine-readable code. */
  readonly code: SerializationErrorCode;
  /** Path of the bad field for ERR_INVALID_MESSAGE (`''` when the whole value is wrong). */
  readonly path: string | undefined;
  /** The message type involved, when known. */
  readonly messageType: string | undefined;

  /**
   * @param code - stable code, see {@link SerializationErrorCode}
   * @param message - human-readable text with the path and the numbers
   * @param details - path, message type and cause
   */
  constructor(
    code: SerializationErrorCode,
    message: string,
    details: SerializationErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.path = details.path;
    this.messageType = details.messageType;
  }
}
