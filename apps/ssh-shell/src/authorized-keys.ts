/** OpenSSH authorized_keys: parse `[options] type base64 [comment]` lines and match offered keys. */
import { readFileSync } from 'node:fs';
import type { ParsedKey } from 'ssh2';
import ssh2 from 'ssh2';
import { SshShellError } from './errors.ts';
import { fingerprint } from './keys.ts';

const { utils } = ssh2;

export interface AuthorizedKey {
  key: ParsedKey;
  blob: Buffer;
  fingerprint: string;
  comment: string;
  /** `no-pty`: refuse PTY requests for sessions authenticated with this key. */
  noPty: boolean;
  /** `command="..."`: run this instead of whatever the client asks for. */
  command?: string;
  line: number;
}

/** Options we understand; a line with any other option is skipped rather than half-obeyed. */
const KNOWN_OPTIONS = new Set(['no-pty', 'command', 'restrict', 'no-port-forwarding']);

/** Split the leading options field, honouring double quotes (`command="echo a, b"`). */
function splitOptions(text: string): { options: string[]; rest: string } {
  const options: string[] = [];
  let current = '';
  let quoted = false;
  let i = 0;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && quoted && text[i + 1] === '"') {
      current += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      options.push(current);
      current = '';
    } else if ((ch === ' ' || ch === '\t') && !quoted) break;
    else current += ch;
  }
  options.push(current);
  return { options, rest: text.slice(i).trim() };
}

const KEY_TYPE = /^(ssh-|ecdsa-sha2-|sk-)/;

/** Parse authorized_keys text; bad lines are reported through `warn` and skipped. */
export function parseAuthorizedKeys(
  text: string,
  warn: (message: string) => void = () => {},
): AuthorizedKey[] {
  const keys: AuthorizedKey[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let options: string[] = [];
    let rest = line;
    if (!KEY_TYPE.test(line)) ({ options, rest } = splitOptions(line));
    const unknown = options.filter((o) => !KNOWN_OPTIONS.has(o.split('=')[0]!.toLowerCase()));
    if (unknown.length > 0) {
      warn(`authorized_keys line ${index + 1}: unsupported option ${unknown[0]}, line skipped`);
      return;
    }
    const [type, b64, ...comment] = rest.split(/\s+/);
    const parsed = utils.parseKey(`${type} ${b64}`);
    if (parsed instanceof Error || !type || !b64) {
      warn(`authorized_keys line ${index + 1}: not a public key, line skipped`);
      return;
    }
    const blob = parsed.getPublicSSH();
    const lower = options.map((o) => o.toLowerCase());
    const command = options.find((o) => o.toLowerCase().startsWith('command='));
    keys.push({
      key: parsed,
      blob,
      fingerprint: fingerprint(blob),
      comment: comment.join(' '),
      noPty: lower.includes('no-pty') || lower.includes('restrict'),
      ...(command ? { command: command.slice('command='.length) } : {}),
      line: index + 1,
    });
  });
  return keys;
}

/** Read and parse an authorized_keys file; a missing or unreadable file is ERR_AUTHORIZED_KEYS. */
export function loadAuthorizedKeys(path: string, warn?: (message: string) => void) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SshShellError('ERR_AUTHORIZED_KEYS', `cannot read authorized keys ${path}`, {
      cause: err,
    });
  }
  return parseAuthorizedKeys(text, warn);
}

/** The entry whose key blob equals the offered one (constant-time compare is not needed: public). */
export function findAuthorizedKey(
  keys: AuthorizedKey[],
  offered: Buffer,
): AuthorizedKey | undefined {
  return keys.find((k) => k.blob.equals(offered));
}
