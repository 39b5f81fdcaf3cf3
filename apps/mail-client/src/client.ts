/** connect(): one logged-in IMAP session for an account, plus its SMTP transport on demand. */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { type Endpoint, formatEndpoint } from '@netlab/addressing';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { Account } from './config.ts';
import { MailError, toMailError } from './errors.ts';
import { ImapWire } from './imap-connection.ts';
import { login } from './imap-login.ts';
import { type Credentials, resolveCredentials } from './secrets.ts';
import { createMasker, imapTraceLogger, smtpTraceLogger, type TraceSink } from './trace.ts';

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
   * Log in only the lean connection (for list and search): one TLS handshake and login instead
   * of two. `imap` is then never connected and must not be used.
   */
  leanOnly?: boolean;
}

export interface MailSession {
  account: Account;
  imap: ImapFlow;
  /** Sends through the account's SMTP server (one connection per call, closed after). */
  smtp(): Mail;
  /**
   * A second, lean IMAP connection for bulk listings (opened on first use, kept until close):
   * imapflow parses and logs every response into objects, which dominates a 5,000-envelope FETCH.
   */
  wire(): Promise<ImapWire>;
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
  return { rejectUnauthorized: true, ca: [...rootCertificates, pem] };
}

/** Builds an ImapFlow for an account (not yet connected). */
export function createImap(
  account: Account,
  credentials: Credentials,
  options: ConnectOptions,
): ImapFlow {
  const { endpoint, tls } = account.imap;
  const mask = createMasker([credentials.pass ?? '', credentials.accessToken ?? '']);
  const imap = new ImapFlow({
    host: socketHost(endpoint),
    port: endpoint.port,
    secure: tls === 'implicit',
    doSTARTTLS: tls === 'starttls' ? true : undefined,
    auth: credentials,
    tls: tlsOptions(options.ca ?? account.ca),
    logger: options.trace ? imapTraceLogger(options.trace, mask) : false,
    disableAutoIdle: !options.autoIdle,
    clientInfo: { name: 'netlab-mail', version: '0.1.0', vendor: false, 'support-url': false },
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    // Bounds on what one server response may make us buffer: a single message (literal) up to
    // 256 MiB, and a line (e.g. a SEARCH result on a huge folder) up to 64 MiB. Past them
    // imapflow fails the connection instead of growing without limit.
    maxLiteralSize: 256 * 1024 * 1024,
    maxResponseSize: 320 * 1024 * 1024,
    maxLineLength: 64 * 1024 * 1024,
  });
  // Errors also arrive as events after connect; the awaited calls report them, so this only
  // keeps an unhandled 'error' event from crashing the process.
  imap.on('error', () => {});
  return imap;
}

/** An SMTP transport for an account: AUTH PLAIN/LOGIN with the password, or XOAUTH2 with the token. */
export function createSmtp(
  account: Account,
  credentials: Credentials,
  options: ConnectOptions,
): Mail {
  const { endpoint, tls } = account.smtp;
  const mask = createMasker([credentials.pass ?? '', credentials.accessToken ?? '']);
  const auth = credentials.accessToken
    ? { type: 'OAuth2' as const, user: credentials.user, accessToken: credentials.accessToken }
    : { user: credentials.user, pass: credentials.pass! };
  return nodemailer.createTransport({
    host: socketHost(endpoint),
    port: endpoint.port,
    secure: tls === 'implicit',
    // STARTTLS is required, never optional: no silent fall-back to plain text.
    requireTLS: tls === 'starttls',
    auth,
    tls: tlsOptions(options.ca ?? account.ca),
    logger: options.trace ? smtpTraceLogger(options.trace, mask) : false,
    debug: Boolean(options.trace),
    connectionTimeout: 15_000,
  } as SMTPTransportOptions);
}

/** Opens and logs in a lean IMAP connection with the same endpoint, TLS and trust as imapflow's. */
export async function openWire(
  account: Account,
  credentials: Credentials,
  options: ConnectOptions,
): Promise<ImapWire> {
  const { endpoint, tls } = account.imap;
  const label = `IMAP ${formatEndpoint(account.imap.endpoint)}`;
  const wire = await ImapWire.open({
    host: socketHost(endpoint),
    port: endpoint.port,
    // SNI carries host names only (RFC 6066 §3); certificates are still checked against IPs.
    ...(endpoint.family === 'hostname' ? { servername: endpoint.host } : {}),
    tls,
    tlsOptions: tlsOptions(options.ca ?? account.ca),
    label,
    ...(options.trace
      ? {
          trace: options.trace,
          mask: createMasker([credentials.pass ?? '', credentials.accessToken ?? '']),
        }
      : {}),
  });
  try {
    await login(wire, credentials, label);
  } catch (error) {
    await wire.close();
    throw error;
  }
  return wire;
}

/**
 * Connects and logs in to an account's IMAP server.
 * @throws {MailError} ERR_AUTH_FAILED, ERR_TLS_VERIFY, ERR_TLS, ERR_CONNECT, ERR_SECRET.
 */
export async function connect(options: ConnectOptions): Promise<MailSession> {
  const { account } = options;
  const credentials = await resolveCredentials(account, options.env);
  const imapLabel = `IMAP ${formatEndpoint(account.imap.endpoint)}`;
  const smtpLabel = `SMTP ${formatEndpoint(account.smtp.endpoint)}`;
  const imap = createImap(account, credentials, options);
  let wire: Promise<ImapWire> | undefined;
  if (options.leanOnly) {
    wire = openWire(account, credentials, options);
    await wire.catch((error) => {
      throw toMailError(error, imapLabel);
    });
  } else {
    try {
      await imap.connect();
    } catch (error) {
      imap.close();
      throw toMailError(error, imapLabel);
    }
  }
  const smtp = () => createSmtp(account, credentials, options);
  const lean = () => {
    if (wire) return wire;
    const opening = openWire(account, credentials, options);
    // A failed or dropped connection is not kept: the next listing opens a fresh one.
    const forget = () => {
      if (wire === opening) wire = undefined;
    };
    opening.then((w) => w.onClose(forget), forget);
    wire = opening;
    return opening;
  };
  const close = async () => {
    const open = wire;
    wire = undefined;
    await open?.then((w) => w.close()).catch(() => {});
    if (options.leanOnly) return;
    try {
      await imap.logout();
    } catch {
      imap.close();
    }
  };
  return {
    account,
    imap,
    smtp,
    wire: lean,
    imapLabel,
    smtpLabel,
    close,
    reconnect: () => connect(options),
  };
}
