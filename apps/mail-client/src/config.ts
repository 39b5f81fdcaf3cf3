/** The TOML config file (XDG config folder or --config): several accounts, one default. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parse } from 'smol-toml';
import { type Account, isTable, parseAccount } from './account.ts';
import { secondsToMs } from './deadline.ts';
import { MailError } from './errors.ts';

export type { Account, ServerConfig, TlsMode } from './account.ts';

export interface Config {
  path: string;
  defaultAccount: string | undefined;
  accounts: Map<string, Account>;
  /** `timeout = SECONDS`: the deadline of each IMAP and SMTP command (`--timeout` overrides). */
  timeoutMs?: number;
}

/** Where the config lives when --config is not given: $XDG_CONFIG_HOME/netlab-mail/config.toml. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : join(env.HOME ?? homedir(), '.config');
  return join(base, 'netlab-mail', 'config.toml');
}

/** Reads and validates a config file. @throws {MailError} ERR_CONFIG naming the file and key. */
export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MailError(
      'ERR_CONFIG',
      `cannot read config ${path}: ${(error as Error).message} (write one or pass --config; 'dev-server' prints an example)`,
      { cause: error },
    );
  }
  return parseConfig(text, path);
}

/** Parses config text; `path` is only used in messages and to resolve a relative `ca`. */
export function parseConfig(text: string, path: string): Config {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new MailError(
      'ERR_CONFIG',
      `${path}: invalid TOML: ${(error as Error).message.split('\n')[0]}`,
      { cause: error },
    );
  }
  const fail = (key: string, what: string) =>
    new MailError('ERR_CONFIG', `${path}: ${key} ${what}`);
  const table = doc.accounts;
  if (!isTable(table) || Object.keys(table).length === 0)
    throw fail('[accounts.NAME]', 'is missing: define at least one account');
  const accounts = new Map<string, Account>();
  for (const [name, raw] of Object.entries(table)) {
    if (!isTable(raw)) throw fail(`accounts.${name}`, 'must be a table');
    accounts.set(name, parseAccount(name, raw, path, fail));
  }
  const defaultAccount = doc.default === undefined ? undefined : String(doc.default);
  if (defaultAccount !== undefined && !accounts.has(defaultAccount))
    throw fail('default', `names no account ('${defaultAccount}')`);
  const config: Config = { path, defaultAccount, accounts };
  if (doc.timeout !== undefined) {
    const ms = typeof doc.timeout === 'number' ? secondsToMs(doc.timeout) : undefined;
    if (ms === undefined) throw fail('timeout', 'must be a number of seconds from 0.1 to 3600');
    config.timeoutMs = ms;
  }
  return config;
}

/** Picks the account named by --account, else the file's default, else the only one. */
export function selectAccount(config: Config, name?: string): Account {
  const chosen =
    name ??
    config.defaultAccount ??
    (config.accounts.size === 1 ? [...config.accounts.keys()][0] : undefined);
  if (chosen === undefined)
    throw new MailError(
      'ERR_NO_ACCOUNT',
      `${config.path}: several accounts and no default: pass --account NAME or set default = "NAME"`,
    );
  const account = config.accounts.get(chosen);
  if (!account)
    throw new MailError(
      'ERR_NO_ACCOUNT',
      `no account '${chosen}' in ${config.path} (have: ${[...config.accounts.keys()].join(', ')})`,
    );
  return account;
}
