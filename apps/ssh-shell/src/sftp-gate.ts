/** Bounds on one SFTP session: requests running and waiting, and replies the client leaves unread. */
import type { SFTPWrapper } from 'ssh2';
import { sftpWindowOpen } from './ssh2-gaps.ts';

/**
 * Requests worked on at once: one, so replies leave in the order requests came, as from
 * sshd's sftp-server. Clients count on it: OpenSSH 9.2's scp downloads in place and truncates
 * the file at the first reply that arrives out of order (its "highwater" mark), exiting 0.
 * Clients still keep many requests in flight (OpenSSH 64); they wait in the queue below.
 */
const MAX_RUNNING = 1;
/** Requests waiting for a turn, and the WRITE data they hold; past either the client is cut off. */
const MAX_QUEUED = 1024;
const MAX_QUEUED_BYTES = 32 * 1024 * 1024;
/**
 * Reply bytes held because the client's SSH window is closed. ssh2 keeps such replies in an
 * unbounded list and grants the client window for new requests regardless, so a client that
 * sends READs and never reads the answers would grow it forever (33 bytes in, 64 KiB out).
 * A well-behaved client has at most its requests in flight unanswered (64 x 32 KiB = 2 MiB).
 */
const MAX_BACKLOG = 16 * 1024 * 1024;

export interface Gate {
  /** Run `task` now or when a slot frees; `bytes` is the request data it holds meanwhile. */
  run(bytes: number, task: () => Promise<void>): void;
  /** Send a reply of about `bytes` bytes, counting it as held if the client's window is shut. */
  reply(bytes: number, send: () => void): void;
  /** Call `fn` once nothing runs or waits (the client sent EOF). */
  whenIdle(fn: () => void): void;
  close(): void;
}

export function sftpGate(sftp: SFTPWrapper, abuse: (why: string) => void): Gate {
  const queue: { bytes: number; task: () => Promise<void> }[] = [];
  let queuedBytes = 0;
  let running = 0;
  let backlog = 0;
  let closed = false;
  let idle: (() => void) | undefined;
  const cut = (why: string) => {
    if (closed) return;
    closed = true;
    queue.length = 0;
    abuse(why);
  };
  const next = () => {
    while (!closed && running < MAX_RUNNING && queue.length > 0) {
      const { bytes, task } = queue.shift()!;
      queuedBytes -= bytes;
      running++;
      void task().finally(() => {
        running--;
        next();
      });
    }
    if (running === 0 && queue.length === 0 && idle) {
      const fn = idle;
      idle = undefined;
      fn();
    }
  };
  return {
    run(bytes, task) {
      if (closed) return;
      if (queue.length >= MAX_QUEUED || queuedBytes + bytes > MAX_QUEUED_BYTES) {
        return cut(`more than ${queue.length} requests (${queuedBytes} bytes) waiting`);
      }
      queue.push({ bytes, task });
      queuedBytes += bytes;
      next();
    },
    reply(bytes, send) {
      // An open window means ssh2 has sent everything held before (it drains its list on
      // every WINDOW_ADJUST), so the backlog starts again from this reply.
      const open = sftpWindowOpen(sftp);
      send();
      backlog = open ? 0 : backlog + bytes;
      if (backlog > MAX_BACKLOG) cut(`client leaves ${backlog} bytes of replies unread`);
    },
    whenIdle(fn) {
      idle = fn;
      next();
    },
    close() {
      closed = true;
      queue.length = 0;
    },
  };
}
