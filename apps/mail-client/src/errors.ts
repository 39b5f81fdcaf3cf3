/** MailError: every failure of the mail client, with a stable string code. */

import { CodedError } from '@netlab/cli';

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
  | 'ERR_TOO_LARGE'
  | 'ERR_TIMEOUT'
  | 'ERR_MESSAGE_TOO_LARGE'
  | 'ERR_MESSAGE_UNPARSABLE'
  | 'ERR_SERVER';

/** A mail client failure. Assert on `code`, never on `message`. */
export class MailError extends CodedError<MailErrorCode> {
  override readonly name = 'MailError';
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

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EADDRNOTAVAIL',
  'CONNECT_TIMEOUT',
  'ECONNECTION',
  'ESOCKET',
]);
const LOST_CODES = new Set([
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
]);

/**
 * Turns an error from imapflow, nodemailer or the socket layer into a MailError with a stable
 * code and a message that says what to do. `what` names the server (`IMAP 127.0.0.1:993`).
 */
export function toMailError(error: unknown, what: string): MailError {
  if (error instanceof MailError) return error;
  const e = (error ?? {}) as LibraryError;
  const code = e.code ?? '';
  const make = (c: MailErrorCode, message: string) =>
    new MailError(c, `${what}: ${message}`, { cause: error });
  const verify = tlsVerifyCode(error);
  if (verify)
    return make(
      'ERR_TLS_VERIFY',
      `certificate verification failed (${verify}); pass --ca FILE or set ca in the account to trust its CA`,
    );
  if (
    e.authenticationFailed ||
    code === 'EAUTH' ||
    e.serverResponseCode === 'AUTHENTICATIONFAILED'
  ) {
    return make('ERR_AUTH_FAILED', 'authentication failed (check user and password)');
  }
  if (e.mailboxMissing || e.serverResponseCode === 'NONEXISTENT')
    return make('ERR_UNKNOWN_FOLDER', "no such folder (see 'mail folders')");
  if (code === 'GREETING_TIMEOUT')
    return make(
      'ERR_CONNECT',
      'no greeting from the server (is this the right port and TLS mode?)',
    );
  if (e.tlsFailed || code === 'ETLS' || code.startsWith('ERR_SSL_')) {
    return make(
      'ERR_TLS',
      `TLS failed (${code || e.message}); check the port and tls = "implicit" or "starttls"`,
    );
  }
  if (code === 'LiteralTooLarge' || code === 'ResponseTooLarge' || code === 'LineTooLarge') {
    return make('ERR_TOO_LARGE', `a server response exceeded the client's limit (${code})`);
  }
  // nodemailer drops an SMTP reply that passes 1 MiB without ending (a multi-line reply whose
  // `250-` lines never stop) with this code.
  if (code === 'EPROTOCOL' && /maximum allowed size/i.test(e.message ?? ''))
    return make('ERR_TOO_LARGE', `an SMTP reply passed the client's 1 MiB limit without ending`);
  // imapflow's own inactivity timer (socketTimeout); the command deadlines usually fire first.
  if (code === 'ETIMEOUT') return make('ERR_TIMEOUT', 'the server stopped answering');
  if (CONNECT_CODES.has(code)) return make('ERR_CONNECT', `cannot connect (${code})`);
  if (LOST_CODES.has(code))
    return make('ERR_CONNECTION_LOST', `the server closed the connection (${code})`);
  if (code === 'EENVELOPE' || code === 'EMESSAGE' || typeof e.responseCode === 'number') {
    return make('ERR_SEND_REJECTED', `message refused: ${e.message}`);
  }
  return make('ERR_SERVER', e.responseText ?? e.message ?? String(error));
}
