/** OpenSSH known_hosts: plain, wildcard and hashed (`|1|salt|hmac`) entries; check and record keys. */
import { createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { SshShellError } from './errors.ts';
import { fingerprint, keyTypeOf } from './keys.ts';

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  hosts: string;
  type: string;
  blob: Buffer;
  line: number;
}

export type HostKeyStatus =
  | { status: 'ok'; line: number }
  | { status: 'unknown' }
  | { status: 'revoked'; line: number }
  | { status: 'changed'; known: { type: string; fingerprint: string; line: number }[] };

/** The name OpenSSH looks up: the bare host on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m !== '@revoked' && m !== '@cert-authority') return;
      marker = m === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [hosts, type, b64] = fields;
    if (!hosts || !type || !b64) return;
    const blob = Buffer.from(b64, 'base64');
    if (keyTypeOf(blob) !== type) return; // corrupt line: ignore like OpenSSH does
    entries.push({ ...(marker ? { marker } : {}), hosts, type, blob, line: index + 1 });
  });
  return entries;
}

/** Glob match with OpenSSH's `*` and `?`. */
function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/** Does this entry's host field name `name`? Handles `|1|salt|hash` and `!negated,pat*` lists. */
export function entryMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) matched = true;
  }
  return matched;
}

/** Compare a presented host key with the entries for `host:port`. */
export function checkHostKey(
  entries: KnownHostEntry[],
  host: string,
  port: number,
  blob: Buffer,
): HostKeyStatus {
  const name = hostKeyName(host, port);
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e.hosts, name));
  const revoked = entries.find((e) => e.marker === 'revoked' && e.blob.equals(blob));
  if (revoked) return { status: 'revoked', line: revoked.line };
  const same = mine.find((e) => !e.marker && e.blob.equals(blob));
  if (same) return { status: 'ok', line: same.line };
  const known = mine.filter((e) => !e.marker);
  if (known.length === 0) return { status: 'unknown' };
  return {
    status: 'changed',
    known: known.map((e) => ({ type: e.type, fingerprint: fingerprint(e.blob), line: e.line })),
  };
}

/** Key types already recorded for a host, so the client can ask for those first (as OpenSSH does). */
export function knownKeyTypes(entries: KnownHostEntry[], host: string, port: number): string[] {
  const name = hostKeyName(host, port);
  return [
    ...new Set(entries.filter((e) => !e.marker && entryMatches(e.hosts, name)).map((e) => e.type)),
  ];
}

/** Parsed files by path, with the identity of the version parsed (a handful of paths at most). */
const parsed = new Map<string, { version: string; entries: KnownHostEntry[] }>();

/**
 * The entries of a known_hosts file. `exec -H` over many hosts looks each one up twice, so the
 * file is parsed once and reused while its inode, size and mtime stay the same; a key recorded
 * by --accept-new (an append) or any edit makes the next call read it again.
 */
export function loadKnownHosts(path: string): KnownHostEntry[] {
  try {
    const st = statSync(path);
    const version = `${st.ino}:${st.size}:${st.mtimeMs}`;
    const hit = parsed.get(path);
    if (hit?.version === version) return hit.entries;
    const entries = parseKnownHosts(readFileSync(path, 'utf8'));
    if (parsed.size >= 16) parsed.clear(); // bound: a long-lived process reading many files
    parsed.set(path, { version, entries });
    return entries;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SshShellError('ERR_KNOWN_HOSTS', `cannot read ${path}`, { cause: err });
  }
}

/** A known_hosts line for a key; hashed like `HashKnownHosts yes` when `hash` is set. */
export function knownHostsLine(host: string, port: number, blob: Buffer, hash = false): string {
  let name = hostKeyName(host, port);
  if (hash) {
    const salt = randomBytes(20);
    const mac = createHmac('sha1', salt).update(name).digest('base64');
    name = `|1|${salt.toString('base64')}|${mac}`;
  }
  return `${name} ${keyTypeOf(blob)} ${blob.toString('base64')}`;
}

/** Append a line (trust on first use); creates the folder 0700 like ssh does for ~/.ssh. */
export function recordHostKey(path: string, line: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    appendFileSync(path, `${line}\n`, { mode: 0o600 });
  } catch (err) {
    throw new SshShellError('ERR_KNOWN_HOSTS', `cannot record host key in ${path}`, { cause: err });
  }
}
