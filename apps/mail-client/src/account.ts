/** One account's settings: types, defaults and the strict per-key validation of its TOML table. */
import { resolve } from 'node:path';
import { type Endpoint, parseEndpoint } from '@netlab/addressing/endpoint';
import { MailError } from './errors.ts';
import { controlIndex } from './header-safety.ts';

/** Implicit TLS from the first byte, or a plain connection upgraded with STARTTLS. */
export type TlsMode = 'implicit' | 'starttls';

export interface ServerConfig {
  endpoint: Endpoint;
  tls: TlsMode;
}

export interface Account {
  /** The account's key in the config file (`[accounts.NAME]`). */
  name: string;
  email: string;
  displayName?: string;
  user: string;
  imap: ServerConfig;
  smtp: ServerConfig;
  auth: 'password' | 'xoauth2';
  passwordEnv?: string;
  passwordCmd?: string;
  tokenCmd?: string;
  /** Extra CA certificate (PEM) to trust, e.g. a dev CA; the system CAs stay trusted. */
  ca?: string;
  sentFolder?: string;
  trashFolder?: string;
}

// Well-known ports: RFC 8314 (implicit TLS 993/465), RFC 3501/6409 (STARTTLS 143/587).
const DEFAULT_PORTS = {
  imap: { implicit: 993, starttls: 143 },
  smtp: { implicit: 465, starttls: 587 },
};
const ACCOUNT_KEYS = new Set([
  'email',
  'name',
  'user',
  'imap',
  'smtp',
  'auth',
  'password_env',
  'password_cmd',
  'token_cmd',
  'ca',
  'sent_folder',
  'trash_folder',
]);

// Settings that end up in a header (From) or an IMAP/SMTP command (the user name).
const HEADER_KEYS = new Set(['email', 'name', 'user']);

export type Fail = (key: string, what: string) => MailError;

export function parseAccount(
  name: string,
  raw: Record<string, unknown>,
  path: string,
  fail: Fail,
): Account {
  const at = (key: string) => `accounts.${name}.${key}`;
  for (const key of Object.keys(raw))
    if (!ACCOUNT_KEYS.has(key)) throw fail(at(key), 'is not a known setting');
  const str = (key: string, required = false): string | undefined => {
    const value = raw[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '')
      throw fail(at(key), 'must be a non-empty string');
    // email and name go into the From header: a CR LF there would start a header of its own.
    if (HEADER_KEYS.has(key) && controlIndex(value) >= 0)
      throw fail(at(key), 'must not hold control characters');
    return value;
  };
  const email = str('email', true)!;
  const auth = (str('auth') ?? 'password') as Account['auth'];
  if (auth !== 'password' && auth !== 'xoauth2')
    throw fail(at('auth'), "must be 'password' or 'xoauth2'");
  const account: Account = {
    name,
    email,
    user: str('user') ?? email,
    imap: parseServer(raw.imap, 'imap', at('imap'), fail),
    smtp: parseServer(raw.smtp, 'smtp', at('smtp'), fail),
    auth,
  };
  const optional = {
    displayName: 'name',
    passwordEnv: 'password_env',
    passwordCmd: 'password_cmd',
    tokenCmd: 'token_cmd',
    sentFolder: 'sent_folder',
    trashFolder: 'trash_folder',
  } as const;
  for (const [prop, key] of Object.entries(optional)) {
    const value = str(key);
    if (value !== undefined) account[prop as keyof typeof optional] = value;
  }
  const ca = str('ca');
  if (ca !== undefined) account.ca = resolve(path, '..', ca);
  if (auth === 'password' && !account.passwordEnv === !account.passwordCmd) {
    throw fail(
      at('password_env'),
      'or password_cmd: set exactly one (the password itself is never stored)',
    );
  }
  if (auth === 'xoauth2' && !account.tokenCmd)
    throw fail(at('token_cmd'), 'is required when auth = "xoauth2"');
  return account;
}

function parseServer(raw: unknown, kind: 'imap' | 'smtp', at: string, fail: Fail): ServerConfig {
  if (!isTable(raw))
    throw fail(at, 'must be a table like { host = "127.0.0.1:993", tls = "implicit" }');
  for (const key of Object.keys(raw))
    if (key !== 'host' && key !== 'tls') throw fail(`${at}.${key}`, 'is not a known setting');
  const tls = raw.tls ?? (kind === 'imap' ? 'implicit' : 'starttls');
  if (tls !== 'implicit' && tls !== 'starttls')
    throw fail(`${at}.tls`, "must be 'implicit' or 'starttls'");
  if (typeof raw.host !== 'string')
    throw fail(`${at}.host`, 'must be a string like "127.0.0.1:993"');
  try {
    return { endpoint: parseEndpoint(raw.host, { defaultPort: DEFAULT_PORTS[kind][tls] }), tls };
  } catch (error) {
    throw new MailError('ERR_CONFIG', `${at}.host: ${(error as Error).message}`, { cause: error });
  }
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}
