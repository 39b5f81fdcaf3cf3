/** connect(): one logged-in IMAP session for an account, plus its SMTP transport on demand. */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { type Endpoint, formatEndpoint } from '@netlab/addressing/endpoint';
import { ImapFlow } from 'imapflow';
import type Mail from 'nodemailer/lib/mailer';
import type { Account } from './config.ts';
import { DEFAULT_TIMEOUT_S, withDeadline } from './deadline.ts';
import { MailError, toMailError } from './errors.ts';
import { type Credentials, resolveCredentials } from './secrets.ts';
import { createSmtp, submit } from './smtp.ts';
import { createMasker, imapLogger, type TraceSink } from './trace.ts';

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

/** Bounds on one server response, and on what one command may grow the process. */
interface ResponseLimits {
  maxLiteralSize: number;
  maxLineLength: number;
  maxResponseSize: number;
  maxGrowthBytes: number;
}

/**
 * A session that reads messages: one literal (a whole message) up to 128 MiB, a line (e.g. a
 * SEARCH result on a huge folder) up to 64 MiB. Past them imapflow fails the connection.
 */
const MESSAGE_LIMITS: ResponseLimits = {
  maxLiteralSize: MAX_LITERAL,
  maxLineLength: 64 * 1024 * 1024,
  maxResponseSize: MAX_LITERAL + 64 * 1024 * 1024,
  maxGrowthBytes: MAX_COMMAND_GROWTH,
};

/**
 * A session that only lists. A literal is one message's header fields (1 MiB, mailparser's own
 * header bound); a line is at most 4 MiB, which holds a SEARCH result of ~500,000 UIDs (Python's
 * imaplib stops at 1 MB). imapflow turns each token of a response into an object (~100 bytes
 * for 2 bytes of wire: `1 ` in a SEARCH, `{1}` literals in a FETCH), so the byte bounds are
 * also what keeps the number of SEARCH results and of literals per response bounded: a few
 * hundred MB at worst, and the growth bound stops a flood of many such responses.
 */
export const LISTING_LIMITS: ResponseLimits = {
  maxLiteralSize: 1024 * 1024,
  maxLineLength: 4 * 1024 * 1024,
  maxResponseSize: 5 * 1024 * 1024,
  maxGrowthBytes: 128 * 1024 * 1024,
};

/** The limits a session gets: tight for list and search, room for whole messages otherwise. */
export function responseLimits(options: Pick<ConnectOptions, 'listingOnly'>): ResponseLimits {
  return options.listingOnly ? LISTING_LIMITS : MESSAGE_LIMITS;
}

/** Builds an ImapFlow for an account (not yet connected). */
export function createImap(
  account: Account,
  credentials: Credentials,
  options: ConnectOptions,
  onUnreadable: (line: string) => void = () => {},
  onGreeting: (line: string) => void = () => {},
): ImapFlow {
  const { endpoint, tls } = account.imap;
  const mask = createMasker([credentials.pass ?? '', credentials.accessToken ?? '']);
  const { maxLiteralSize, maxLineLength, maxResponseSize } = responseLimits(options);
  const imap = new ImapFlow({
    host: socketHost(endpoint),
    port: endpoint.port,
    secure: tls === 'implicit',
    doSTARTTLS: tls === 'starttls' ? true : undefined,
    auth: credentials,
    tls: tlsOptions(options.ca ?? account.ca),
    logger: imapLogger({
      mask,
      onUnreadable,
      onGreeting,
      ...(options.trace ? { trace: options.trace } : {}),
    }),
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
  // imapflow drops a response it cannot parse (it only logs it) and goes on: the command in
  // flight then completes as if the server had sent nothing. Keep the line, to fail the command.
  let unreadable: string | undefined;
  // RFC 3501 §7.1: an IMAP server greets with an untagged OK, PREAUTH or BYE. imapflow waits
  // out its greeting timeout on anything else (an SMTP banner, say): fail at once instead.
  let notImap: string | undefined;
  const imap = createImap(
    account,
    credentials,
    options,
    (line) => {
      unreadable ??= line;
    },
    (greeting) => {
      if (/^\* (OK|PREAUTH|BYE)\b/i.test(greeting)) return;
      notImap = greeting;
      imap.close();
    },
  );
  // imapflow reports why it dropped a connection (LiteralTooLarge, LineTooLarge...) as an
  // 'error' event, while the command in flight only hears NoConnection: keep the reason.
  // Some of its methods (search) then resolve with `false` instead of failing: a drop during a
  // command fails that command here.
  let dropped: unknown;
  let droppedNow: unknown;
  imap.on('error', (error: unknown) => {
    dropped ??= error;
    droppedNow ??= error;
  });
  const { maxGrowthBytes } = responseLimits(options);
  // A passed deadline leaves a command half-done on the wire: the connection is dropped.
  const call = <T>(command: string, run: () => Promise<T>): Promise<T> => {
    unreadable = undefined;
    droppedNow = undefined;
    const checked = async () => {
      const value = await run();
      if (droppedNow !== undefined) throw droppedNow;
      if (unreadable !== undefined)
        throw new MailError(
          'ERR_SERVER',
          `${imapLabel}: ${command}: the server sent a response the client cannot read: ${unreadable.slice(0, 80)}`,
        );
      return value;
    };
    return withDeadline(checked, {
      ms: timeoutMs,
      label: imapLabel,
      command,
      onExpire: () => imap.close(),
      maxGrowthBytes,
    }).catch((error: unknown) => {
      const lost = (error as { code?: string }).code === 'NoConnection';
      throw toMailError(lost && dropped ? dropped : error, imapLabel);
    });
  };
  try {
    await call('connect and LOGIN', () => imap.connect());
  } catch (error) {
    imap.close();
    if (notImap === undefined) throw error;
    throw new MailError(
      'ERR_CONNECT',
      `${imapLabel} is not an IMAP server: it greeted with ${JSON.stringify(notImap.slice(0, 60))}`,
      { cause: error },
    );
  }
  const smtp = () => createSmtp(account, credentials, { ...options, timeoutMs });
  const close = async () => {
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
    imapLabel,
    smtpLabel,
    close,
    reconnect: () => connect(options),
  };
}
