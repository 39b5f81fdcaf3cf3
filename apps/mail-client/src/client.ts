/** connect(): one logged-in IMAP session for an account, plus its SMTP transport on demand. */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { type Endpoint, formatEndpoint } from '@netlab/addressing/endpoint';
import { ImapFlow } from 'imapflow';
import type Mail from 'nodemailer/lib/mailer';
import type { Account } from './config.ts';
import { DEFAULT_TIMEOUT_S } from './deadline.ts';
import { MailError } from './errors.ts';
import { createGuard, type LogHooks, responseLimits } from './imap-guard.ts';
import { type Credentials, resolveCredentials } from './secrets.ts';
import { createMasker, imapLogger, type TraceSink } from './trace.ts';

export interface ConnectOptions {
  account: Account;
  /** A CA file (PEM) to trust on top of the system CAs; overrides the account's `ca`. */
  ca?: string;
  /** Receives the protocol conversation, credentials masked (`--trace`). */
  trace?: TraceSink;
  env?: NodeJS.ProcessEnv;
  /** Let imapflow start IDLE by itself (only `watch` wants it, and drives IDLE itself). */
  autoIdle?: boolean;
  /**
   * A session that only lists (list, search): no message body passes, so what one server
   * response may cost is bounded far tighter (see LISTING_LIMITS).
   */
  listingOnly?: boolean;
  /** The deadline of each IMAP and SMTP command (`--timeout`, default 30 s). */
  timeoutMs?: number;
}

export interface MailSession {
  account: Account;
  imap: ImapFlow;
  /** An SMTP transport for the account (the bench reuses one; commands use `submit`). */
  smtp(): Promise<Mail>;
  /** Submits one message over a fresh SMTP connection, each command under its deadline. */
  submit(
    envelope: { from: string; to: string[] },
    raw: Buffer,
  ): Promise<{ accepted?: unknown[]; rejected?: unknown[] }>;
  /**
   * Runs one imapflow command under its deadline; `command` names it in the ERR_TIMEOUT message
   * (`UID FETCH 42`). Library errors come back as MailErrors.
   */
  call<T>(command: string, run: () => Promise<T>): Promise<T>;
  timeoutMs: number;
  imapLabel: string;
  smtpLabel: string;
  /** A new session with the same account and options (for reconnecting after a drop). */
  reconnect(): Promise<MailSession>;
  close(): Promise<void>;
}

/** Node takes the host and the IPv6 zone together (`fe80::1%eth0`). */
export function socketHost(endpoint: Endpoint): string {
  return endpoint.zone ? `${endpoint.host}%${endpoint.zone}` : endpoint.host;
}

/** TLS options: verification always on; an extra CA adds to the system CAs, never replaces them. */
export function tlsOptions(caPath: string | undefined) {
  if (!caPath) return { rejectUnauthorized: true };
  let pem: string;
  try {
    pem = readFileSync(caPath, 'utf8');
  } catch (error) {
    throw new MailError('ERR_FILE', `cannot read CA file ${caPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // Node's `ca` replaces its built-in list: add the system roots back, or a dev CA would make
  // every real server untrusted.
  return { rejectUnauthorized: true, ca: [...rootCertificates, pem] };
}

/** Builds an ImapFlow for an account (not yet connected). */
export function createImap(
  account: Account,
  credentials: Credentials,
  options: ConnectOptions,
  hooks: LogHooks = {},
): ImapFlow {
  const { endpoint, tls } = account.imap;
  const mask = createMasker([credentials.pass ?? '', credentials.accessToken ?? '']);
  const { maxLiteralSize, maxLineLength, maxResponseSize } = responseLimits(options);
  const imap = new ImapFlow({
    host: socketHost(endpoint),
    port: endpoint.port,
    // Implicit TLS (port 993): the handshake is the first thing on the socket. STARTTLS (143):
    // plain text until the server says OK to STARTTLS; anything it sent before the handshake is
    // dropped, since an attacker on the path could have written it (RFC 3501 §6.2.1).
    // `doSTARTTLS: true` refuses a server that does not offer STARTTLS instead of going on
    // in plain text (no silent downgrade).
    secure: tls === 'implicit',
    doSTARTTLS: tls === 'starttls' ? true : undefined,
    auth: credentials,
    tls: tlsOptions(options.ca ?? account.ca),
    logger: imapLogger({ mask, ...hooks, ...(options.trace ? { trace: options.trace } : {}) }),
    disableAutoIdle: !options.autoIdle,
    clientInfo: { name: 'netlab-mail', version: '0.1.0', vendor: false, 'support-url': false },
    // imapflow's own timers; the command deadlines (`session.call`) cover everything after.
    connectionTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000,
    greetingTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000,
    // Bounds on what one server response may make us buffer (see responseLimits): past them
    // imapflow fails the connection instead of growing without limit.
    maxLiteralSize,
    maxLineLength,
    maxResponseSize,
  });
  // Errors also arrive as events; `connect` keeps the first (the reason for a drop), and a
  // listener must exist so that an 'error' event never crashes the process.
  imap.on('error', () => {});
  return imap;
}

/**
 * Connects and logs in to an account's IMAP server.
 * @throws {MailError} ERR_AUTH_FAILED, ERR_TLS_VERIFY, ERR_TLS, ERR_CONNECT, ERR_SECRET.
 */
export async function connect(options: ConnectOptions): Promise<MailSession> {
  const { account } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000;
  const credentials = await resolveCredentials(account, options.env);
  const imapLabel = `IMAP ${formatEndpoint(account.imap.endpoint)}`;
  const smtpLabel = `SMTP ${formatEndpoint(account.smtp.endpoint)}`;
  // The hardening layer (src/imap-guard.ts): a deadline and a growth bound on every command,
  // and what imapflow only logs or emits as an event turned into the command's error.
  const guard = createGuard(imapLabel, timeoutMs, responseLimits(options));
  const imap = createImap(account, credentials, options, guard.logHooks);
  const call = guard.attach(imap);
  try {
    // TCP connect, TLS handshake (certificate checked against the host), the greeting,
    // CAPABILITY, then AUTHENTICATE: all of it under one deadline.
    await call('connect and LOGIN', () => imap.connect());
  } catch (error) {
    imap.close();
    throw guard.connectError(error);
  }
  // nodemailer loads on the first submission: a `list` never pays for it.
  const smtp = async () =>
    (await import('./smtp.ts')).createSmtp(account, credentials, { ...options, timeoutMs });
  const close = async () => {
    try {
      // LOGOUT (RFC 3501 §6.1.3): the server answers `* BYE`, then OK, then closes; waiting for
      // it, rather than destroying the socket, lets the server end the session cleanly.
      await call('LOGOUT', () => imap.logout());
    } catch {
      imap.close();
    }
  };
  const submitOne = async (envelope: { from: string; to: string[] }, raw: Buffer) => {
    const { submit } = await import('./smtp.ts');
    return submit(account, credentials, { ...options, label: smtpLabel, timeoutMs }, envelope, raw);
  };
  return {
    account,
    imap,
    smtp,
    submit: submitOne,
    call,
    timeoutMs,
    imapLabel,
    smtpLabel,
    close,
    reconnect: () => connect(options),
  };
}
