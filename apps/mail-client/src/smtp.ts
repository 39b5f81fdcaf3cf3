/** SMTP through nodemailer: the transport for an account, and one submission with command deadlines. */
import { Socket } from 'node:net';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { Account } from './account.ts';
import { socketHost, tlsOptions } from './client.ts';
import { DEFAULT_TIMEOUT_S, timeoutError } from './deadline.ts';
import { type MailError, toMailError } from './errors.ts';
import type { Credentials } from './secrets.ts';
import { createMasker, smtpTraceLogger, type TraceSink } from './trace.ts';

export interface SmtpOptions {
  ca?: string;
  trace?: TraceSink;
  timeoutMs?: number;
}

/** Watches one submission: which command is in flight, and whether its deadline passed. */
interface Guard {
  socket: Socket;
  onClientLine(line: string): void;
  expired: MailError | undefined;
  stop(): void;
}

/** `MAIL FROM:<a@b>`, `RCPT TO:<c@d>`, `DATA`, `AUTH PLAIN` (never the credentials after it). */
function smtpCommandName(line: string): string {
  const auth = /^AUTH\s+\S+/i.exec(line);
  const name = auth ? auth[0] : line.trim();
  return name.length > 60 ? `${name.slice(0, 59)}…` : name;
}

/**
 * An SMTP transport for an account: AUTH PLAIN/LOGIN with the password, or XOAUTH2 with the
 * token. With a guard, its one connection runs on the guard's socket (nodemailer's documented
 * `socket` option) so that a passed deadline can end it.
 */
export function createSmtp(
  account: Account,
  credentials: Credentials,
  options: SmtpOptions,
  guard?: Guard,
): Mail {
  const { endpoint, tls } = account.smtp;
  const mask = createMasker([credentials.pass ?? '', credentials.accessToken ?? '']);
  const auth = credentials.accessToken
    ? { type: 'OAuth2' as const, user: credentials.user, accessToken: credentials.accessToken }
    : { user: credentials.user, pass: credentials.pass! };
  const trace = options.trace ? smtpTraceLogger(options.trace, mask) : undefined;
  const logger = guard ? guardLogger(guard, trace) : (trace ?? false);
  const ms = options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000;
  return nodemailer.createTransport({
    host: socketHost(endpoint),
    port: endpoint.port,
    secure: tls === 'implicit',
    // STARTTLS is required, never optional: no silent fall-back to plain text.
    requireTLS: tls === 'starttls',
    auth,
    tls: tlsOptions(options.ca ?? account.ca),
    logger,
    debug: Boolean(options.trace),
    // transactionLog: the client's command lines reach the logger (the guard names the command
    // in flight from them) without debug's copy of the whole message.
    transactionLog: Boolean(guard),
    ...(guard ? { socket: guard.socket } : {}),
    // nodemailer's own timers measure inactivity; the guard's per-command deadline fires first.
    connectionTimeout: ms + 1000,
    greetingTimeout: ms + 1000,
    socketTimeout: ms + 1000,
  } as SMTPTransportOptions);
}

/** A logger that tells the guard each command the client sends, and traces when asked. */
function guardLogger(guard: Guard, trace: ReturnType<typeof smtpTraceLogger> | undefined) {
  const quiet = () => {};
  const debug = (meta: { tnx?: string }, message: string, ...args: unknown[]) => {
    if (meta?.tnx === 'client') guard.onClientLine(String(message));
    trace?.debug(meta, message, ...args);
  };
  return {
    ...(trace ?? {
      info: quiet,
      warn: quiet,
      error: quiet,
      trace: quiet,
      fatal: quiet,
      level: quiet,
    }),
    debug,
  };
}

/**
 * Starts a guard: a deadline from connecting to the greeting, then one per command, from the
 * line sent to its reply (RFC 5321 §4.5.3.2 suggests minutes per command for MTAs; a client
 * talking to its own submission server can expect an answer much sooner).
 */
function startGuard(label: string, ms: number): Guard {
  let timer: NodeJS.Timeout | undefined;
  const arm = (command: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      guard.expired = timeoutError(label, command, ms);
      guard.socket.destroy();
    }, ms);
  };
  const guard: Guard = {
    socket: new Socket(),
    expired: undefined,
    onClientLine: (line) => arm(smtpCommandName(line)),
    stop: () => clearTimeout(timer),
  };
  arm('connect and greeting');
  return guard;
}

/**
 * Submits one message over a fresh connection, each command under its deadline.
 * @throws {MailError} ERR_TIMEOUT naming the command, ERR_SEND_REJECTED, ERR_AUTH_FAILED, ...
 */
export async function submit(
  account: Account,
  credentials: Credentials,
  options: SmtpOptions & { label: string },
  envelope: { from: string; to: string[] },
  raw: Buffer,
): Promise<{ accepted?: unknown[]; rejected?: unknown[] }> {
  const guard = startGuard(options.label, options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000);
  const transport = createSmtp(account, credentials, options, guard);
  try {
    return await transport.sendMail({ envelope, raw });
  } catch (error) {
    throw guard.expired ?? toMailError(error, options.label);
  } finally {
    guard.stop();
    transport.close();
  }
}
