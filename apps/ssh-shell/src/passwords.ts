/**
 * Hashed password file for optional password authentication, using node:crypto scrypt.
 *
 * Format, one user per line (`#` comments and blank lines allowed):
 *   user:scrypt$N$r$p$<salt base64>$<hash base64>
 * e.g. `alice:scrypt$16384$8$1$hQ1...$Zx9...` with a 16-byte random salt and a 32-byte hash.
 * Create lines with `ssh-shell hash-password USER` (password read from NETLAB_SSH_PASSWORD
 * or stdin, never from a flag).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SshShellError } from './errors.ts';

interface PasswordEntry {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

const DEFAULTS = { N: 16384, r: 8, p: 1 };

function scryptAsync(password: string, salt: Buffer, e: { N: number; r: number; p: number }) {
  return new Promise<Buffer>((resolve, reject) => {
    // maxmem: 128 * N * r bytes plus headroom, so larger N values in the file still work.
    const maxmem = 256 * e.N * e.r + 1024 * 1024;
    scrypt(password, salt, 32, { N: e.N, r: e.r, p: e.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hash `password` into a file line for `user`. */
export async function hashPassword(user: string, password: string): Promise<string> {
  if (!/^[^:\s]+$/.test(user)) throw new SshShellError('ERR_PASSWORD_FILE', 'bad user name');
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, DEFAULTS);
  const { N, r, p } = DEFAULTS;
  return `${user}:scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Parse the password file text into a user -> entry map; throws ERR_PASSWORD_FILE with the line. */
export function parsePasswordFile(text: string): Map<string, PasswordEntry> {
  const users = new Map<string, PasswordEntry>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([^:\s]+):scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(
      line,
    );
    if (!m) {
      throw new SshShellError('ERR_PASSWORD_FILE', `password file line ${index + 1} is malformed`);
    }
    users.set(m[1]!, {
      N: Number(m[2]),
      r: Number(m[3]),
      p: Number(m[4]),
      salt: Buffer.from(m[5]!, 'base64'),
      hash: Buffer.from(m[6]!, 'base64'),
    });
  });
  return users;
}

export function loadPasswordFile(path: string): Map<string, PasswordEntry> {
  try {
    return parsePasswordFile(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof SshShellError) throw err;
    throw new SshShellError('ERR_PASSWORD_FILE', `cannot read password file ${path}`, {
      cause: err,
    });
  }
}

/** Check a password; unknown users still cost one scrypt so timing does not reveal them. */
export async function verifyPassword(
  users: Map<string, PasswordEntry>,
  user: string,
  password: string,
): Promise<boolean> {
  const entry = users.get(user);
  const e = entry ?? { ...DEFAULTS, salt: Buffer.alloc(16), hash: Buffer.alloc(32) };
  const actual = await scryptAsync(password, e.salt, e);
  return entry !== undefined && actual.length === e.hash.length && timingSafeEqual(actual, e.hash);
}
