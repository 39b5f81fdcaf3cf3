/** FramingError: every framing failure, with a stable code and the numbers behind it. */

/** Stable codes carried by {@link FramingError}. */
export type FramingErrorCode =
  /** A frame (announced by its header, or held before a delimiter) exceeds the maximum. */
  | 'ERR_FRAME_TOO_LARGE'
  /** The stream ended inside a frame. */
  | 'ERR_TRUNCATED'
  /** A payload handed to a delimiter codec contains the delimiter. */
  | 'ERR_DELIMITER_IN_PAYLOAD'
  /** A decoder was used after it failed or ended. */
  | 'ERR_DECODER_CLOSED'
  /** A write to a stream that is closed, or that closed while the write waited for 'drain'. */
  | 'ERR_STREAM_CLOSED';

/** The numbers a {@link FramingError} may carry, depending on its code. */
export interface FramingErrorDetails {
  /** Frame size in bytes (announced or held) for ERR_FRAME_TOO_LARGE. */
  size?: number;
  /** The configured maximum frame size for ERR_FRAME_TOO_LARGE. */
  maxFrameSize?: number;
  /** Bytes the current frame needs (header + payload), when known, for ERR_TRUNCATED. */
  expected?: number;
  /** Bytes of the current frame received before the stream ended, for ERR_TRUNCATED. */
  received?: number;
  /** The underlying error, when this one wraps another. */
  cause?: unknown;
}

/**
 * The one error type thrown by `@netlab/framing`. Branch on `code`, never on `message`.
 *
 * @example
 * try {
 *   decoder.write(chunk, onFrame);
 * } catch (err) {
 *   if (err instanceof FramingError && err.code === 'ERR_FRAME_TOO_LARGE') socket.destroy();
 * }
 */
export class FramingError extends Error {
  override readonly name = 'FramingError';
  /** Stable machine-readable code. */
  readonly code: FramingErrorCode;
  /** Frame size in bytes for ERR_FRAME_TOO_LARGE. */
  readonly size: number | undefined;
  /** Configured maximum for ERR_FRAME_TOO_LARGE. */
  readonly maxFrameSize: number | undefined;
  /** Bytes needed by the frame (when known) for ERR_TRUNCATED. */
  readonly expected: number | undefined;
  /** Bytes of the frame received for ERR_TRUNCATED. */
  readonly received: number | undefined;

  /**
   * @param code - stable code, see {@link FramingErrorCode}
   * @param message - human-readable text that includes the numbers
   * @param details - the numbers as properties, and an optional `cause`
   */
  constructor(code: FramingErrorCode, message: string, details: FramingErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.size = details.size;
    this.maxFrameSize = details.maxFrameSize;
    this.expected = details.expected;
    this.received = details.received;
  }
}

/** @internal ERR_FRAME_TOO_LARGE with both numbers. */
export function frameTooLarge(size: number, maxFrameSize: number, what = 'frame'): FramingError {
  return new FramingError(
    'ERR_FRAME_TOO_LARGE',
    `${what} of ${size} bytes exceeds the maximum of ${maxFrameSize} bytes`,
    { size, maxFrameSize },
  );
}

/** @internal ERR_DECODER_CLOSED: a decoder that failed once no longer trusts the stream. */
export function decoderClosed(): FramingError {
  return new FramingError('ERR_DECODER_CLOSED', 'decoder used after it failed or ended');
}
