/**
 * exit-status for an SFTP channel. sshd sends one when its sftp-server ends, and OpenSSH's
 * `ssh` exits 255 without it, so OpenSSH's `scp` (which runs `ssh -s sftp`) reports failure
 * after a transfer that worked. ssh2 1.17's server-side SFTP object has no exit(): this reaches
 * its protocol object, the one place that does; `hostile-scp.test.ts` (scp exits 0) fails if a
 * later ssh2 moves it.
 */
import type { SFTPWrapper } from 'ssh2';

interface Inner {
  _protocol?: { exitStatus?: (channel: number, status: number) => void };
  outgoing?: { id?: number; state?: string };
}

/** Send exit-status `status` (RFC 4254 §6.10) on the SFTP session's channel if still open. */
export function sftpExitStatus(sftp: SFTPWrapper, status: number): boolean {
  const inner = sftp as unknown as Inner;
  const id = inner.outgoing?.id;
  if (typeof id !== 'number' || inner.outgoing?.state !== 'open') return false;
  if (typeof inner._protocol?.exitStatus !== 'function') return false;
  inner._protocol.exitStatus(id, status);
  return true;
}
