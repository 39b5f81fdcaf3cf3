/** AddressError: every failure in @netlab/addressing, with a stable string code. */

/**
 * Stable codes carried by {@link AddressError}; the README says when each is thrown.
 * @example const code: AddressErrorCode = 'ERR_INVALID_PORT';
 */
export type AddressErrorCode =
  | 'ERR_INVALID_ADDRESS'
  | 'ERR_INVALID_ENDPOINT'
  | 'ERR_INVALID_PORT'
  | 'ERR_INVALID_NETWORK'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_VERSION_MISMATCH'
  | 'ERR_ADDRESS_OUT_OF_RANGE'
  | 'ERR_INVALID_NETMASK'
  | 'ERR_HOST_BITS_SET'
  | 'ERR_DNS_TIMEOUT'
  | 'ERR_DNS_NOT_FOUND'
  | 'ERR_DNS_NO_DATA'
  | 'ERR_DNS_FAILED'
  | 'ERR_CONNECT_TIMEOUT'
  | 'ERR_CONNECT_FAILED'
  | 'ERR_CONNECT_ABORTED';

/**
 * An address, network, endpoint or DNS failure. Assert on `code`, never on `message`.
 * @example
 * try { parsePort('99999'); } catch (err) { if (err instanceof AddressError) err.code; }
 */
export class AddressError extends Error {
  /** Shown before the message in stack traces and `String(err)`. */
  override name = 'AddressError';
  /** The stable code to branch on (`ERR_INVALID_PORT`); the message may change, the code not. */
  readonly code: AddressErrorCode;
  /** The text that failed to parse, when there is one. */
  readonly input: string | undefined;

  /**
   * @param code the stable code callers branch on
   * @param message what failed, naming the input and the numbers
   * @param options `input`: the text that failed; `cause`: the underlying error (a node:dns one)
   * @example new AddressError('ERR_INVALID_PORT', 'port "x" is not 1 to 5 decimal digits', { input: 'x' })
   */
  constructor(
    code: AddressErrorCode,
    message: string,
    options: { input?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.input = options.input;
  }
}

/** Quote user text for an error message, shortened so a megabyte of garbage stays one line. */
export function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(shown);
}
