/** connect(): one logged-in IMAP session for an account, plus its SMTP transport on demand. */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { type Endpoint, formatEndpoint } from '@netlab/addressing';
import { ImapFlow } from 'imapflow';
import type Mail from 'nodemailer/lib/mailer';
import type { Account } from './config.ts';
import { DEFAULT_TIMEOUT_S, withDeadline } from './deadline.ts';
import { MailError, toMailError } from './errors.ts';
import { ImapWire } from './imap-connection.ts';
import { login } from './imap-login.ts';
import { type Credentials, resolveCredentials } from './secrets.ts';
import { createSmtp, submit } from './smtp.ts';
import { createMasker, imapTraceLogger, type TraceSink } from './trace.ts';

export { createSmtp } from './smtp.ts';

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
  /** The deadline of each IMAP and SMTP command (`--timeout`, default 30 s). */
  timeoutMs?: number;
}

export interface MailSession {
  account: Account;
  imap: ImapFlow;
  /** An SMTP transport for the account (the bench reuses one; commands use `submit`). */
  smtp(): Mail;
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

/** The largest message (one IMAP literal) the client takes in. */
export const MAX_LITERAL = 128 * 1024 * 1024;

/**
 * How much one imapflow command may grow the process. imapflow bounds bytes (the limits below)
 * but not what it builds from them: a response of endless one-byte literals, or a flood of
 * unsolicited FETCH lines (fetchOne collects them all), costs ~100 bytes of objects per few
 * bytes of wire, within every byte limit. Four times the largest message leaves room for a
 * real one (imapflow joins its chunks: two copies) and stops the attack.
 */
export const MAX_COMMAND_GROWTH = 4 * MAX_LITERAL;

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
    // imapflow's own timers; the command deadlines (`session.call`) cover everything after.
    connectionTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000,
    greetingTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000,
    // Bounds on what one server response may make us buffer: a single message (literal) up to
    // 128 MiB, and a line (e.g. a SEARCH result on a huge folder) up to 64 MiB. Past them
    // imapflow fails the connection instead of growing without limit.
    maxLiteralSize: MAX_LITERAL,
    maxResponseSize: MAX_LITERAL + 64 * 1024 * 1024,
    maxLineLength: 64 * 1024 * 1024,
  });
  // Errors also arrive as events; `connect` keeps the first (the reason for a drop), and a
  // listener must exist so that an 'error' event never crashes the process.
  imap.on('error', () => {});
  return imap;
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
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
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
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000;
  const credentials = await resolveCredentials(account, options.env);
  const imapLabel = `IMAP ${formatEndpoint(account.imap.endpoint)}`;
  const smtpLabel = `SMTP ${formatEndpoint(account.smtp.endpoint)}`;
  const imap = createImap(account, credentials, options);
  // imapflow reports why it dropped a connection (LiteralTooLarge, LineTooLarge...) as an
  // 'error' event, while the command in flight only hears NoConnection: keep the reason.
  let dropped: unknown;
  imap.on('error', (error: unknown) => {
    dropped ??= error;
  });
  // A passed deadline leaves a command half-done on the wire: the connection is dropped.
  const call = <T>(command: string, run: () => Promise<T>): Promise<T> =>
    withDeadline(run, {
      ms: timeoutMs,
      label: imapLabel,
      command,
      onExpire: () => imap.close(),
      maxGrowthBytes: MAX_COMMAND_GROWTH,
    }).catch((error: unknown) => {
      const lost = (error as { code?: string }).code === 'NoConnection';
      throw toMailError(lost && dropped ? dropped : error, imapLabel);
    });
  let wire: Promise<ImapWire> | undefined;
  if (options.leanOnly) {
    wire = openWire(account, credentials, options);
    await wire.catch((error) => {
      throw toMailError(error, imapLabel);
    });
  } else {
    try {
      await call('connect and LOGIN', () => imap.connect());
    } catch (error) {
      imap.close();
      throw error;
    }
  }
  const smtp = () => createSmtp(account, credentials, { ...options, timeoutMs });
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
      await call('LOGOUT', () => imap.logout());
    } catch {
      imap.close();
    }
  };
  const submitOne = (envelope: { from: string; to: string[] }, raw: Buffer) =>
    submit(account, credentials, { ...options, label: smtpLabel, timeoutMs }, envelope, raw);
  return {
    account,
    imap,
    smtp,
    submit: submitOne,
    call,
    timeoutMs,
    wire: lean,
    imapLabel,
    smtpLabel,
    close,
    reconnect: () => connect(options),
  };
}
