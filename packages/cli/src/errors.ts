/** CodedError, the base of every netlab error class, and UsageError: exit code 2 and a pointer to --help. */

/** What a {@link CodedError} may carry besides its code and message. */
export interface CodedErrorOptions {
  /** The error this one wraps (a socket's, a library's), kept for `--trace`. */
  cause?: unknown;
  /** The user's next step ("add --tls"), printed after the message, and as `hint` with `--json`. */
  hint?: string;
}

/**
 * An error with a stable string code. Each netlab package or app declares its codes and
 * extends this once, so every error has the same shape: `code` to branch on (tests assert on
 * it, never on the message), a message that carries the numbers, `cause` when it wraps
 * another error, and an optional `hint`. {@link runMain} prints `name: CODE message (hint)`.
 *
 * @example
 * type ChatErrorCode = 'ERR_NICK_IN_USE' | 'ERR_CLOSED';
 * class ChatError extends CodedError<ChatErrorCode> {
 *   override readonly name = 'ChatError';
 * }
 * throw new ChatError('ERR_CLOSED', 'server closed after 3 of 8 bytes', { hint: 'check --tls' });
 */
export class CodedError<Code extends string = string> extends Error {
  override readonly name: string = 'CodedError';
  /** The stable code (`ERR_...`); the message may change, the code not. */
  readonly code: Code;
  /** The user's next step, when the thrower knows a better one than the message says. */
  readonly hint: string | undefined;

  /**
   * @param code The stable code callers branch on.
   * @param message What failed, with the numbers (sizes, limits, addresses).
   * @param options `cause` when wrapping another error; `hint`, the user's next step.
   */
  constructor(code: Code, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/**
 * Thrown for a usage mistake (unknown flag, missing argument, bad value). {@link runMain}
 * prints it as one line and exits with code 2.
 *
 * @example
 * if (!host) throw new UsageError('missing HOST (try --help)');
 */
export class UsageError extends CodedError<'ERR_USAGE'> {
  override readonly name = 'UsageError';

  /**
   * @param message What was wrong with the command line, and what to do instead.
   * @param options `cause` when the usage error wraps another error.
   */
  constructor(message: string, options: CodedErrorOptions = {}) {
    super('ERR_USAGE', message, options);
  }
}

/**
 * Tells whether a value is an error carrying a string `code`: a {@link CodedError}, or one of
 * Node's system errors (`EADDRINUSE`), which carry theirs the same way.
 *
 * @param error Anything caught.
 * @returns True for `Error` instances whose `code` is a string.
 */
export function isCodedError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
