/** Key helpers: OpenSSH SHA256 fingerprints and the server's ed25519 host key kept in a state folder. */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { SshShellError } from './errors.ts';

const { utils } = ssh2;

/**
 * A new ed25519 key pair in OpenSSH format that ssh2 itself can read back. ssh2 1.17's
 * generator strips leading zero bytes off the public key, so about 1 key in 256 comes out
 * malformed (mscdex/ssh2#1390, #1513); such a pair is thrown away and another made.
 *
 * @param comment The comment stored with the key.
 * @returns The private and public key texts.
 * @throws {SshShellError} ERR_BAD_KEY if eight pairs in a row were unreadable (never seen).
 */
export function generateEd25519(comment?: string): { private: string; public: string } {
  for (let attempt = 0; attempt < 8; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', comment ? { comment } : {});
    const readable = [pair.private, pair.public].every(
      (k) => !(utils.parseKey(k) instanceof Error),
    );
    if (readable) return pair;
  }
  throw new SshShellError('ERR_BAD_KEY', 'could not generate a readable ed25519 key');
}

/** The key type named at the start of an SSH public key blob (`ssh-ed25519`, `ssh-rsa`, ...). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH's fingerprint format: `SHA256:` + unpadded base64 of the SHA-256 of the key blob. */
export function fingerprint(blob: Buffer): string {
  const digest = createHash('sha256').update(blob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** Parse a public or private key (OpenSSH formats) into ssh2's key object, or throw ERR_BAD_KEY. */
export function parseKeyOrThrow(data: Buffer | string, what: string, passphrase?: string) {
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new SshShellError(
      encrypted ? 'ERR_KEY_ENCRYPTED' : 'ERR_BAD_KEY',
      encrypted
        ? `${what} is encrypted; load it into ssh-agent (ssh-add) or set SSH_KEY_PASSPHRASE`
        : `${what}: ${parsed.message}`,
      { cause: parsed },
    );
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new SshShellError('ERR_BAD_KEY', `${what}: no key found`);
  return key;
}

export interface HostKey {
  /** Private key in OpenSSH format, as ssh2's Server wants it. */
  privateKey: string;
  /** `ssh-ed25519 AAAA...` line, what goes into a known_hosts file. */
  publicKey: string;
  fingerprint: string;
  /** True when this call generated the key (first run). */
  created: boolean;
}

/**
 * Load `ssh_host_ed25519_key` from `stateDir`, generating it (mode 0600) on first run,
 * the way sshd-keygen does for a fresh OpenSSH install.
 */
export function loadOrCreateHostKey(stateDir: string): HostKey {
  const path = join(stateDir, 'ssh_host_ed25519_key');
  let created = false;
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    if (!existsSync(path)) {
      const pair = generateEd25519('netlab ssh-shell host key');
      writeFileSync(path, pair.private, { mode: 0o600 });
      writeFileSync(`${path}.pub`, `${pair.public}\n`, { mode: 0o644 });
      chmodSync(path, 0o600);
      created = true;
    }
  } catch (err) {
    throw new SshShellError('ERR_STATE_DIR', `cannot create host key in ${stateDir}`, {
      cause: err,
    });
  }
  const privateKey = readFileSync(path, 'utf8');
  const key = parseKeyOrThrow(privateKey, path);
  const blob = key.getPublicSSH();
  return {
    privateKey,
    publicKey: `${key.type} ${blob.toString('base64')}`,
    fingerprint: fingerprint(blob),
    created,
  };
}
