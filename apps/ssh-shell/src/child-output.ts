/** A command's stdout over a UNIX socket pair, read into one reused buffer and copied to a channel. */
import { mkdtemp, rmdir } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';

/**
 * Bytes asked for per read. The kernel hands over what the command has written so far (often
 * 16-64 KiB), so this bounds a read rather than sizing it; 256 KiB lets a burst cross in one go.
 */
const READ_SIZE = 256 * 1024;

export interface ChildOutput {
  /** Hand this to spawn() as the command's stdout, then call releaseChildEnd(). */
  childEnd: net.Socket;
  /** Close our copy of the command's end; the command keeps its own, so EOF comes when it exits. */
  releaseChildEnd(): void;
  /** Settles at EOF: every byte the command wrote has been handed to `out`. */
  ended: Promise<void>;
  /** Drop both ends: the command was never started, or the channel is gone. */
  destroy(): void;
}

/**
 * Why not stdio 'pipe': Node allocates a fresh 64 KiB buffer for every read of a child's pipe,
 * and at hundreds of MB/s that garbage (plus the GC it triggers) costs more CPU than the
 * cipher. Here one buffer serves every read: ssh2 copies a chunk into its packets during
 * write() when the SSH window has room, so the buffer is free again at once. When the channel
 * keeps the chunk instead (no window, or bytes already queued), that buffer is left to it and
 * the next read takes a new one; write() returning false pauses reading until 'drain', so at
 * most the channel's high-water mark (2 MiB in ssh2) plus one read is ever held.
 */
export async function childOutput(out: Writable, onData: () => void): Promise<ChildOutput> {
  let current = Buffer.allocUnsafe(READ_SIZE);
  let lent = false;
  let ours: net.Socket | undefined;
  const onread = {
    buffer: () => {
      if (lent) {
        lent = false;
        current = Buffer.allocUnsafe(READ_SIZE);
      }
      return current;
    },
    callback: (n: number, buf: Buffer) => {
      onData();
      const ok = out.write(buf.subarray(0, n));
      if (out.writableLength > 0) lent = true;
      if (ok) return true;
      out.once('drain', () => ours?.resume());
      return false; // pauses the socket (net.Socket onread contract)
    },
  };
  const pair = await socketPair(onread);
  ours = pair.ours;
  const ended = new Promise<void>((resolve) => {
    // An error on our end (the command's side vanished oddly) is EOF for the channel.
    pair.ours.once('error', () => resolve());
    pair.ours.once('end', () => resolve());
    pair.ours.once('close', () => resolve());
  });
  return {
    childEnd: pair.theirs,
    releaseChildEnd: () => pair.theirs.destroy(),
    ended,
    destroy: () => {
      pair.theirs.destroy();
      pair.ours.destroy();
    },
  };
}

type OnRead = { buffer: () => Buffer; callback: (n: number, buf: Buffer) => boolean };

/**
 * A connected pair of UNIX stream sockets. Node has no socketpair(), so: listen on a path in
 * a fresh 0700 directory (no other user can connect first), connect, accept, and remove the
 * name again; the pair lives on without one. The clean-up runs after we return, off the path
 * of the command's start.
 */
async function socketPair(onread: OnRead): Promise<{ ours: net.Socket; theirs: net.Socket }> {
  const dir = await mkdtemp(join(tmpdir(), 'ssh-shell-'));
  const server = net.createServer();
  try {
    const path = join(dir, 'out');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const ours = net.connect({ path, onread });
    await new Promise<void>((resolve, reject) => {
      ours.once('connect', resolve);
      ours.once('error', reject);
    });
    return { ours, theirs: await accepted };
  } finally {
    // Closing the server unlinks the socket file, which leaves the directory empty.
    server.close(() => void rmdir(dir).catch(() => {}));
  }
}
