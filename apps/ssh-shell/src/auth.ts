/** Server-side authentication decisions (authorized_keys, scrypt passwords) and the login environment. */
import type { AuthContext } from 'ssh2';
import { readAuthorizedKeys, readKeysFile } from './authorized-keys.ts';
import { firstAllowedLine } from './from-patterns.ts';
import { type KeyRestrictions, UNRESTRICTED } from './key-options.ts';
import { type loadPasswordFile, verifyPassword } from './passwords.ts';
import { peerAddress } from './source-policy.ts';

export interface AuthOptions {
  /** The one login name accepted. */
  user: string;
  authorizedKeysFile: string;
  /** Present only when password authentication is enabled. */
  passwords: ReturnType<typeof loadPasswordFile> | undefined;
  /** The client's IP address, for `from=` (no reverse DNS, as sshd's default UseDNS no). */
  clientIp?: string;
}

/** 'none' = the free probe; a string = why it failed; otherwise accepted (or a key query). */
export type AuthResult =
  | 'none'
  | string
  | { ok: 'query' }
  | { ok: true; restrictions: KeyRestrictions; detail?: string };

export async function authenticate(ctx: AuthContext, o: AuthOptions): Promise<AuthResult> {
  // RFC 4252 §5.2: a client opens with method "none" to learn which methods may continue.
  if (ctx.method === 'none') return 'none';
  // The user name travels in every request (RFC 4252 §5): a client may even change it
  // between requests, so each one is checked on its own.
  if (ctx.username !== o.user) return `unknown user ${ctx.username}`;
  if (ctx.method === 'publickey') {
    // The client sends its public key's blob (type + key bytes, RFC 4253 §6.6), never the
    // private key: matching means finding the same blob on a line of authorized_keys.
    // Re-read on every attempt, as sshd does: a key removed from the file stops working at once.
    const { keys, refused } = readAuthorizedKeys(readKeysFile(o.authorizedKeysFile));
    // Every line holding this key; a from="..." line counts only if it admits the client.
    const lines = keys.filter((k) => k.blob.equals(ctx.key.data));
    const found = firstAllowedLine(lines, peerAddress(o.clientIp));
    if (!('entry' in found)) {
      if (found.refusal) return `key refused: ${found.refusal}`;
      // As sshd: a line whose options cannot be honoured does not authorize its key.
      const bad = refused.find((r) => r.blob.equals(ctx.key.data));
      if (bad) return `key refused: authorized_keys line ${bad.line}: ${bad.reason}`;
      return `key not authorized (${ctx.key.algo})`;
    }
    const { entry } = found;
    // RFC 4252 §7: a request without a signature only asks "would this key do?"; the answer
    // is SSH_MSG_USERAUTH_PK_OK, and the client, which may hold many keys, signs only then.
    if (!ctx.signature || !ctx.blob) return { ok: 'query' };
    // The signature covers the session identifier from key exchange (`blob`), so a signature
    // captured on one connection cannot be replayed on another. Only the public key is needed
    // to check it, which is why the server can keep nothing secret about its users.
    if (entry.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return 'bad signature';
    const { command, noPty, noPortForwarding, noAgentForwarding, noX11Forwarding } = entry;
    const restrictions = { noPty, noPortForwarding, noAgentForwarding, noX11Forwarding };
    return {
      ok: true,
      restrictions: command === undefined ? restrictions : { ...restrictions, command },
      detail: entry.fingerprint,
    };
  }
  if (ctx.method === 'password') {
    if (!o.passwords) return 'password authentication disabled';
    if (!(await verifyPassword(o.passwords, ctx.username, ctx.password))) return 'wrong password';
    return { ok: true, restrictions: UNRESTRICTED };
  }
  return `method ${ctx.method} not supported`;
}

/** Environment of every command: a clean login environment, not the server's own. */
export function baseEnv(
  home: string,
  shell: string,
  user: string,
  from: string,
): NodeJS.ProcessEnv {
  const [ip, port] = [from.slice(0, from.lastIndexOf(':')), from.slice(from.lastIndexOf(':') + 1)];
  return {
    HOME: home,
    USER: user,
    LOGNAME: user,
    SHELL: shell,
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    SSH_CLIENT: `${ip} ${port} 0`,
  };
}
