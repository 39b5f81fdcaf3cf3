/** OpenSSH authorized_keys: parse `[options] type base64 [comment]` lines and match offered keys. */
import { readFileSync } from 'node:fs';
import type { ParsedKey } from 'ssh2';
import ssh2 from 'ssh2';
import { SshShellError } from './errors.ts';
import { type KeyRestrictions, parseKeyOptions, splitOptions } from './key-options.ts';
import { fingerprint } from './keys.ts';

const { utils } = ssh2;

export interface AuthorizedKey extends KeyRestrictions {
  key: ParsedKey;
  blob: Buffer;
  fingerprint: string;
  comment: string;
  line: number;
}

/** A line whose key parsed but whose options this server cannot honour: the key is refused. */
export interface RefusedKey {
  blob: Buffer;
  line: number;
  reason: string;
}

const KEY_TYPE = /^(ssh-|ecdsa-sha2-|sk-)/;

/** Every line of authorized_keys text: usable keys, refused keys (with why), warnings. */
export function readAuthorizedKeys(text: string): {
  keys: AuthorizedKey[];
  refused: RefusedKey[];
  warnings: string[];
} {
  const keys: AuthorizedKey[] = [];
  const refused: RefusedKey[] = [];
  const warnings: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const where = `authorized_keys line ${index + 1}`;
    if (line === '' || line.startsWith('#')) return;
    let options: string[] = [];
    let rest = line;
    if (!KEY_TYPE.test(line)) {
      const split = splitOptions(line);
      if (typeof split === 'string') {
        warnings.push(`${where}: ${split}, line skipped`);
        return;
      }
      ({ options, rest } = split);
    }
    const [type, b64, ...comment] = rest.split(/\s+/);
    const parsed = type && b64 ? utils.parseKey(`${type} ${b64}`) : undefined;
    if (parsed === undefined || parsed instanceof Error) {
      warnings.push(`${where}: not a public key, line skipped`);
      return;
    }
    const blob = parsed.getPublicSSH();
    const restrictions = parseKeyOptions(options);
    if (typeof restrictions === 'string') {
      refused.push({ blob, line: index + 1, reason: restrictions });
      warnings.push(`${where}: ${restrictions}, key refused`);
      return;
    }
    keys.push({
      ...restrictions,
      key: parsed,
      blob,
      fingerprint: fingerprint(blob),
      comment: comment.join(' '),
      line: index + 1,
    });
  });
  return { keys, refused, warnings };
}

/** The usable keys of authorized_keys text; bad and refused lines are reported through `warn`. */
export function parseAuthorizedKeys(
  text: string,
  warn: (message: string) => void = () => {},
): AuthorizedKey[] {
  const { keys, warnings } = readAuthorizedKeys(text);
  for (const w of warnings) warn(w);
  return keys;
}

/** Read and parse an authorized_keys file; a missing or unreadable file is ERR_AUTHORIZED_KEYS. */
export function loadAuthorizedKeys(path: string, warn?: (message: string) => void) {
  return parseAuthorizedKeys(readKeysFile(path), warn);
}

/** The file's text; a missing or unreadable file is ERR_AUTHORIZED_KEYS. */
export function readKeysFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new SshShellError('ERR_AUTHORIZED_KEYS', `cannot read authorized keys ${path}`, {
      cause: err,
    });
  }
}

/** The entry whose key blob equals the offered one (constant-time compare is not needed: public). */
export function findAuthorizedKey(
  keys: AuthorizedKey[],
  offered: Buffer,
): AuthorizedKey | undefined {
  return keys.find((k) => k.blob.equals(offered));
}
