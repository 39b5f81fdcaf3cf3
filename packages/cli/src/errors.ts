/** The error every command line raises for bad usage: exit code 2 and a pointer to --help. */

/**
 * Thrown for a usage mistake (unknown flag, missing argument, bad value). {@link runMain}
 * prints it as one line and exits with code 2.
 *
 * @example
 * if (!host) throw new UsageError('missing HOST (try --help)');
 */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';

  /**
   * @param message What was wrong with the command line, and what to do instead.
   * @param options `cause` when the usage error wraps another error.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** An error that carries a stable string code (`ERR_...`), as every netlab error does. */
export interface CodedError extends Error {
  code: string;
}

/**
 * Tells whether a value is an error carrying a string `code`.
 *
 * @param error Anything caught.
 * @returns True for `Error` instances whose `code` is a string.
 */
export function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
