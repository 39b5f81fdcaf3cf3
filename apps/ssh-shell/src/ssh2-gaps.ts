/** The three things ssh2 1.17 offers through no documented API, reached here and nowhere else. */
import type { ServerChannel, SFTPWrapper } from 'ssh2';

// Each function below reads or writes a field ssh2 does not document. Why no public way
// works is said at each one; ssh2-gaps.test.ts fails if a later ssh2 moves any of them, and
// the behaviour each one protects is tested against real peers (named below).

/** An object's field, or undefined; the field is ssh2's, not a documented property. */
function field(target: unknown, name: string): unknown {
  return typeof target === 'object' && target !== null ? Reflect.get(target, name) : undefined;
}

/**
 * A session channel's per-stream slots for a write that ran out of SSH window (stdout, then
 * stderr). ssh2 1.17 fills a slot when a write stalls and, on the client's WINDOW_ADJUST,
 * resumes the stdout slot if it is set, else the stderr one, but never empties a slot once
 * its write completes. After one stalled stdout write, a later stalled stderr write makes it
 * send the old stdout bytes again (and call that write's callback twice) while the stderr
 * bytes are never sent. Public API cannot avoid it: write() returning false and 'drain' say a
 * write waits, not which slot ssh2 will resume, and keeping stderr from ever stalling would
 * need the window, which ssh2 does not expose (`outgoing` is typed `unknown`). So callers
 * keep one write in ssh2 at a time (channel-output.ts) and empty the slots after each.
 * Tested by server.test.ts ('delivers interleaved stdout and stderr ...').
 */
export const PENDING_WRITE_SLOTS = ['_chunk', '_chunkcb', '_chunkErr', '_chunkcbErr'] as const;

/** Empty the stalled-write slots of a channel whose last write has completed. */
export function clearPendingWrites(channel: ServerChannel): void {
  for (const slot of PENDING_WRITE_SLOTS) {
    if (Object.hasOwn(channel, slot)) Reflect.set(channel, slot, undefined);
  }
}

/**
 * Whether the client's SSH window (RFC 4254 §5.2) for an SFTP session has room. ssh2's
 * server-side reply methods (`data`, `status`, `name`, ...) return nothing and emit nothing
 * when a reply waits for window; they queue it in an unbounded list. The window is counted
 * in the channel state `outgoing.window`. Tested by hostile.test.ts (the slow SFTP reader is
 * cut off at 16 MiB of unread replies).
 */
export function sftpWindowOpen(sftp: SFTPWrapper): boolean {
  const window = field(field(sftp, 'outgoing'), 'window');
  return typeof window === 'number' ? window > 0 : true;
}

/**
 * Send exit-status (RFC 4254 §6.10) on an SFTP session's channel, as sshd does when its
 * sftp-server ends; OpenSSH's `ssh -s sftp` exits 255 without it, so `scp` reports a failure
 * after a transfer that worked. ssh2's session channels have a documented exit(), but its
 * server-side SFTP object has none, and ssh2 makes the SFTP object only for its 'sftp' event
 * (taking the subsystem as a plain channel instead would mean speaking SFTP ourselves). The
 * message goes out through the connection's protocol object, `_protocol.exitStatus`, which
 * ServerChannel.exit() itself calls. Tested by hostile-scp.test.ts (scp exits 0).
 */
export function sftpExitStatus(sftp: SFTPWrapper, status: number): boolean {
  const outgoing = field(sftp, 'outgoing');
  const id = field(outgoing, 'id');
  const protocol = field(sftp, '_protocol');
  const exitStatus = field(protocol, 'exitStatus');
  if (typeof id !== 'number' || field(outgoing, 'state') !== 'open') return false;
  if (typeof exitStatus !== 'function') return false;
  Reflect.apply(exitStatus, protocol, [id, status]);
  return true;
}

/** The ssh2 internals above that an object lacks (empty while ssh2 still has them all). */
export function missingInternals(kind: 'channel' | 'sftp', target: object): string[] {
  if (kind === 'channel') return PENDING_WRITE_SLOTS.filter((slot) => !Object.hasOwn(target, slot));
  const missing: string[] = [];
  const outgoing = field(target, 'outgoing');
  if (typeof field(outgoing, 'window') !== 'number') missing.push('outgoing.window');
  if (typeof field(outgoing, 'id') !== 'number') missing.push('outgoing.id');
  if (typeof field(outgoing, 'state') !== 'string') missing.push('outgoing.state');
  if (typeof field(field(target, '_protocol'), 'exitStatus') !== 'function')
    missing.push('_protocol.exitStatus');
  return missing;
}
