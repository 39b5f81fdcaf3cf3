/** UIDVALIDITY bookkeeping: a UID is only trusted together with the UIDVALIDITY it came with. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { formatEndpoint } from '@netlab/addressing/endpoint';
import type { Account } from './config.ts';
import { MailError } from './errors.ts';

// RFC 3501 §2.3.1.1: if UIDVALIDITY changes, every UID a client remembers for that folder is
// void (the server renumbered it). So commands that hand out UIDs (list, search, watch) record
// the folder's UIDVALIDITY here, and commands that take a UID refuse when it has changed.

/** $XDG_STATE_HOME/netlab-mail/uidvalidity.json (or ~/.local/state/...). */
export function statePath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : join(env.HOME ?? homedir(), '.local', 'state');
  return join(base, 'netlab-mail', 'uidvalidity.json');
}

function key(account: Account, folder: string): string {
  return `${account.user}@${formatEndpoint(account.imap.endpoint)}/${folder}`;
}

function load(path: string): Record<string, string> {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof data === 'object' && data !== null ? (data as Record<string, string>) : {};
  } catch {
    return {}; // missing or unreadable: nothing recorded yet
  }
}

/** Records the UIDVALIDITY a listing was made under (written atomically: temp file + rename). */
export function recordUidValidity(
  account: Account,
  folder: string,
  value: bigint,
  path = statePath(),
): void {
  const state = load(path);
  if (state[key(account, folder)] === String(value)) return;
  state[key(account, folder)] = String(value);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  } catch {
    // Read-only home: the explicit --uidvalidity check still works, so this is not fatal.
  }
}

/**
 * Checks a folder's current UIDVALIDITY against `--uidvalidity` (when given) or the recorded one.
 * @throws {MailError} ERR_UIDVALIDITY_CHANGED when they differ.
 */
export function checkUidValidity(
  account: Account,
  folder: string,
  current: bigint,
  expected: string | undefined,
  path = statePath(),
): void {
  const known = expected ?? load(path)[key(account, folder)];
  if (known !== undefined && known !== String(current)) {
    throw new MailError(
      'ERR_UIDVALIDITY_CHANGED',
      `folder '${folder}' has UIDVALIDITY ${current}, not ${known}: its UIDs were renumbered, run 'mail list' again`,
    );
  }
  if (expected === undefined) recordUidValidity(account, folder, current, path);
}
