/** MailError: every failure of the mail client, with a stable string code. */

export type MailErrorCode =
  | 'ERR_CONFIG'
  | 'ERR_NO_ACCOUNT'
  | 'ERR_SECRET'
  | 'ERR_AUTH_FAILED'
  | 'ERR_TLS_VERIFY'
  | 'ERR_TLS'
  | 'ERR_CONNECT'
  | 'ERR_CONNECTION_LOST'
  | 'ERR_UNKNOWN_FOLDER'
  | 'ERR_UNKNOWN_UID'
  | 'ERR_UIDVALIDITY_CHANGED'
  | 'ERR_SEND_REJECTED'
  | 'ERR_FILE'
  | 'ERR_SERVER';

/** A mail client failure. Assert on `code`, never on `message`. */
export class MailError extends Error {
  override name = 'MailError';
  readonly code: MailErrorCode;

  constructor(code: MailErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

interface LibraryError {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
  responseCode?: number;
  response?: unknown;
  serverResponseCode?: string;
  mailboxMissing?: boolean;
  message?: string;
}

// Node's TLS layer reports verification failures with these codes (see tls.checkServerIdentity).
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

/** Finds the deepest error with a TLS verification code in a chain of causes. */
function tlsVerifyCode(error: unknown): string | undefined {
  let current = error as (LibraryError & { cause?: unknown; _err?: unknown }) | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current.code && TLS_VERIFY_CODES.has(current.code)) return current.code;
    current = (current._err ?? current.cause) as typeof current;
  }
  return undefined;
}

/**
 * Turns an error from imapflow, nodemailer or the socket layer into a MailError with a stable
 * code and a message that says what to do. `what` names the server (`IMAP 127.0.0.1:993`).
 */
export function toMailError(error: unknown, what: string): MailError {
  if (error instanceof MailError) return error;
  const e = (error ?? {}) as LibraryError;
  const verify = tlsVerifyCode(error);
  if (verify) {
    return new MailError(
      'ERR_TLS_VERIFY',
      `${what}: certificate verification failed (${verify}); pass --ca FILE or set ca in the account to trust its CA`,
      { cause: error },
    );
  }
  if (
    e.authenticationFailed ||
    e.code === 'EAUTH' ||
    e.serverResponseCode === 'AUTHENTICATIONFAILED'
  ) {
    return new MailError(
      'ERR_AUTH_FAILED',
      `${what}: authentication failed (check user and password)`,
      {
        cause: error,
      },
    );
  }
  if (e.mailboxMissing || e.serverResponseCode === 'NONEXISTENT') {
    return new MailError('ERR_UNKNOWN_FOLDER', `${what}: no such folder (see 'mail folders')`, {
      cause: error,
    });
  }
  if (
    e.tlsFailed ||
    e.code === 'ETLS' ||
    (e.code === 'ESOCKET' && /tls|ssl/i.test(e.message ?? ''))
  ) {
    return new MailError('ERR_TLS', `${what}: TLS failed: ${e.message}`, { cause: error });
  }
  if (
    e.code &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|CONNECT_TIMEOUT|GREETING_TIMEOUT|ECONNECTION|ETIMEDOUT|ESOCKET)$/.test(
      e.code,
    )
  ) {
    return new MailError('ERR_CONNECT', `${what}: cannot connect (${e.code})`, { cause: error });
  }
  if (e.code === 'NoConnection' || e.code === 'EConnectionClosed') {
    return new MailError('ERR_CONNECTION_LOST', `${what}: connection closed by the server`, {
      cause: error,
    });
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE' || typeof e.responseCode === 'number') {
    return new MailError('ERR_SEND_REJECTED', `${what}: message refused: ${e.message}`, {
      cause: error,
    });
  }
  const text = e.responseText ?? e.message ?? String(error);
  return new MailError('ERR_SERVER', `${what}: ${text}`, { cause: error });
}
