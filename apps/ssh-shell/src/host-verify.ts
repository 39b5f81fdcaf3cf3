/** Client host key policy: known key passes, unknown is refused unless accept-new, changed always fails. */
import { SshShellError } from './errors.ts';
import { fingerprint, keyTypeOf } from './keys.ts';
import {
  checkHostKey,
  hostKeyName,
  knownHostsLine,
  knownKeyTypes,
  loadKnownHosts,
  recordHostKey,
} from './known-hosts.ts';

export interface HostKeyPolicy {
  knownHostsFile: string;
  /** Trust on first use: record an unknown host's key (never overrides a changed one). */
  acceptNew?: boolean;
  /** Record new entries hashed (`|1|salt|hmac`), like HashKnownHosts yes. */
  hashKnownHosts?: boolean;
}

const ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Host key algorithms to offer, the types already recorded for this host first (as ssh does).
 * A server with several host keys signs with the first type in the client's list that it
 * has (RFC 4253 §7.1), so offering the recorded type first gets the key we can check.
 */
export function preferredHostKeyAlgorithms(policy: HostKeyPolicy, host: string, port: number) {
  const known = knownKeyTypes(loadKnownHosts(policy.knownHostsFile), host, port).flatMap((t) =>
    t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t],
  );
  return [...new Set([...known, ...ALGORITHMS])];
}

/**
 * Decide about a presented host key. Returns a description for --trace, or throws the
 * SshShellError that explains the refusal (both fingerprints when the key changed).
 */
export function verifyHostKey(policy: HostKeyPolicy, host: string, port: number, blob: Buffer) {
  const name = hostKeyName(host, port);
  const fp = fingerprint(blob);
  const type = keyTypeOf(blob);
  // Called by ssh2 during key exchange, before authentication: refusing here means no
  // password or signature is ever sent to a server that might be an impostor. ssh2 has
  // already checked that the server signed the exchange with this key (RFC 4253 §8), which
  // proves the server holds the private half; whether the key is the right one for this name
  // the protocol cannot say (RFC 4251 §4.1): that is what known_hosts records.
  const result = checkHostKey(loadKnownHosts(policy.knownHostsFile), host, port, blob);
  switch (result.status) {
    case 'ok':
      return `host key ${type} ${fp} matches ${policy.knownHostsFile}:${result.line}`;
    case 'revoked':
      throw new SshShellError(
        'ERR_HOST_KEY_REVOKED',
        `host key ${type} ${fp} for ${name} is marked @revoked (${policy.knownHostsFile}:${result.line})`,
      );
    case 'changed': {
      const was = result.known
        .map((k) => `${k.type} ${k.fingerprint} (${policy.knownHostsFile}:${k.line})`)
        .join(', ');
      throw new SshShellError(
        'ERR_HOST_KEY_CHANGED',
        `HOST KEY CHANGED for ${name}: server sent ${type} ${fp}, known_hosts has ${was}; ` +
          'someone may be intercepting the connection. If the change is legitimate, remove the ' +
          `old entry (ssh-keygen -R '${name}' -f ${policy.knownHostsFile})`,
      );
    }
    // Trust on first use: the first connection is the one an attacker could intercept
    // unnoticed, so it is refused unless the user asked for it (and checked the fingerprint).
    case 'unknown':
      if (!policy.acceptNew) {
        throw new SshShellError(
          'ERR_HOST_KEY_UNKNOWN',
          `host ${name} is not in ${policy.knownHostsFile} (${type} ${fp}); verify the fingerprint ` +
            'and rerun with --accept-new to record it',
        );
      }
      recordHostKey(policy.knownHostsFile, knownHostsLine(host, port, blob, policy.hashKnownHosts));
      return `host key ${type} ${fp} recorded in ${policy.knownHostsFile} (accept-new)`;
  }
}
