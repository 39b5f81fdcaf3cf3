/** Client identities: `-i` files, else the default ~/.ssh key files, plus ssh-agent when running. */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ParsedKey } from 'ssh2';
import { SshShellError } from './errors.ts';
import { fingerprint, parseKeyOrThrow } from './keys.ts';

export interface Identity {
  /** Where it came from, for --trace and errors (`~/.ssh/id_ed25519`). */
  source: string;
  key: ParsedKey;
  fingerprint: string;
}

/** The files `ssh` tries when no `-i` is given, in its order. */
export const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * Load identities. Explicit files must exist and parse; default files are skipped when absent
 * or encrypted (ssh-agent is the way to use an encrypted key without a prompt).
 * `SSH_KEY_PASSPHRASE` decrypts an encrypted `-i` file when set.
 */
export function loadIdentities(files: string[], sshDir = join(homedir(), '.ssh')): Identity[] {
  const passphrase = process.env.SSH_KEY_PASSPHRASE;
  if (files.length > 0) {
    return files.map((file) => {
      let data: Buffer;
      try {
        data = readFileSync(file);
      } catch (err) {
        throw new SshShellError('ERR_NO_IDENTITY', `cannot read identity ${file}`, { cause: err });
      }
      const key = parseKeyOrThrow(data, file, passphrase);
      return { source: file, key, fingerprint: fingerprint(key.getPublicSSH()) };
    });
  }
  const found: Identity[] = [];
  for (const name of DEFAULT_KEY_FILES) {
    const file = join(sshDir, name);
    if (!existsSync(file)) continue;
    try {
      const key = parseKeyOrThrow(readFileSync(file), file, passphrase);
      found.push({ source: file, key, fingerprint: fingerprint(key.getPublicSSH()) });
    } catch {
      // an encrypted or foreign default key is not an error: try the next one / the agent
    }
  }
  return found;
}

/** The ssh-agent socket, if one is advertised and present. */
export function agentSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const sock = env.SSH_AUTH_SOCK;
  return sock && existsSync(sock) ? sock : undefined;
}
