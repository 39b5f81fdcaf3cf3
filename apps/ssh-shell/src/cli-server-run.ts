/** The `server` command once its flags are checked: host key, authorized_keys, listen, log, stop on a signal. */
import { statSync } from 'node:fs';
import { formatEndpoint } from '@netlab/addressing/endpoint';
import { color, UsageError } from '@netlab/cli';
import ssh2, { type CipherAlgorithm } from 'ssh2';
import { loadAuthorizedKeys } from './authorized-keys.ts';
import type { ServerSettings } from './cli-server.ts';
import { SshShellError } from './errors.ts';
import { loadOrCreateHostKey } from './keys.ts';
import type { LogEntry } from './protocol.ts';
import { createServer } from './server.ts';
import { protocolTrace } from './trace.ts';

/** `2026-11-22T12:08:34Z session root@127.0.0.1:52980 exec "uname" exit=0 12ms` */
export function formatLog(e: LogEntry): string {
  const who = e.user ? `${e.user}@${e.from ?? '?'}` : (e.from ?? '');
  const parts = [color.dim(e.time.replace(/\.\d+Z$/, 'Z')), e.event, who];
  if (e.method) parts.push(e.method, e.ok ? color.green('accepted') : color.red('failed'));
  if (e.kind) parts.push(e.pty ? `${e.kind}+pty` : e.kind);
  if (e.command !== undefined) parts.push(JSON.stringify(e.command));
  if (e.kind) parts.push(e.signal ? `signal=${e.signal}` : `exit=${e.exitCode}`);
  if (e.durationMs !== undefined) parts.push(`${e.durationMs}ms`);
  if (e.detail) parts.push(color.dim(e.detail));
  return parts.filter(Boolean).join(' ');
}

/**
 * ssh2 checks algorithm names when a server object is made (not listening, nothing sent): a
 * name it does not know, or one this Node's OpenSSL lacks, in --ciphers is a usage error.
 */
function checkCiphers(hostKey: string, ciphers: string[]): CipherAlgorithm[] {
  const cipher = ciphers as CipherAlgorithm[];
  try {
    new ssh2.Server({ hostKeys: [hostKey], algorithms: { cipher } });
  } catch (err) {
    throw new UsageError(`--ciphers ${ciphers.join(',')}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return cipher;
}

export async function serve(s: ServerSettings): Promise<number> {
  for (const [flag, dir] of [
    ['--home', s.home],
    ['--sftp-root', s.sftpRoot],
  ] as const) {
    if (dir !== undefined && !statSync(dir, { throwIfNoEntry: false })?.isDirectory())
      throw new SshShellError('ERR_DIRECTORY', `${flag} ${dir} is not a folder`);
  }
  const hostKey = loadOrCreateHostKey(s.stateDir);
  const ciphers = s.ciphers && checkCiphers(hostKey.privateKey, s.ciphers);
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const note = (text: string) =>
    print(
      s.json
        ? JSON.stringify({ time: new Date().toISOString(), event: 'note', detail: text })
        : `ssh-shell: ${text}`,
    );
  // Re-read on every login (like sshd), but say now if it is missing or has bad lines.
  try {
    const keys = loadAuthorizedKeys(s.authorizedKeysFile, (w) => note(`warning: ${w}`));
    note(`${keys.length} authorized key(s) in ${s.authorizedKeysFile}`);
  } catch (err) {
    note(`warning: ${(err as Error).message}; every public-key login fails until it exists`);
  }
  const server = createServer({
    hostKey: hostKey.privateKey,
    authorizedKeysFile: s.authorizedKeysFile,
    allow: s.allow,
    ...(ciphers ? { algorithms: { cipher: ciphers } } : {}),
    ...(s.passwordFile ? { passwordFile: s.passwordFile } : {}),
    ...(s.home ? { home: s.home } : {}),
    ...(s.sftpRoot ? { sftpRoot: s.sftpRoot } : {}),
    ...(s.shell ? { shell: s.shell } : {}),
    ...(s.envAllow ? { envAllow: s.envAllow } : {}),
    maxAuthTries: s.maxAuthTries,
    loginGraceMs: s.loginGraceMs,
    startups: { maxStartups: s.maxStartups, perSourceMaxStartups: s.perSourceMaxStartups },
    penalties: { budget: s.penaltyBudget, penaltyMs: s.penaltyMs },
    idleTimeoutMs: s.idleTimeoutMs,
    keepaliveIntervalMs: s.keepaliveIntervalMs,
    onLog: (e) => print(s.json ? JSON.stringify(e) : formatLog(e)),
    ...(s.trace ? { trace: protocolTrace((l) => process.stderr.write(`trace: ${l}\n`)) } : {}),
  });
  // EADDRINUSE rejects here; runMain reports it as ERR_ADDRESS_IN_USE with a hint at --port.
  const addr = await server.listen(s.port, s.host);
  const where = formatEndpoint({
    host: addr.address,
    port: addr.port,
    family: addr.family === 'IPv6' ? 'ipv6' : 'ipv4',
  });
  const keyNote = hostKey.created ? `new host key in ${s.stateDir}` : `host key from ${s.stateDir}`;
  if (s.json)
    print(
      JSON.stringify({
        time: new Date().toISOString(),
        event: 'listen',
        address: where,
        fingerprint: hostKey.fingerprint,
        publicKey: hostKey.publicKey,
      }),
    );
  else {
    print(`ssh-shell: listening on ${where}`);
    print(
      `ssh-shell: ${keyNote}: ${hostKey.publicKey.split(' ')[0]} ${color.bold(hostKey.fingerprint)}`,
    );
    print(
      `ssh-shell: known_hosts line: ${addr.port === 22 ? addr.address : `[${addr.address}]:${addr.port}`} ${hostKey.publicKey}`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
