/** A command's stdout and stderr onto one SSH channel, one write at a time (ssh2 1.17 needs that). */
import { Writable } from 'node:stream';
import type { ServerChannel } from 'ssh2';
import { clearPendingWrites } from './ssh2-gaps.ts';

// ssh2 1.17 resumes a stalled stdout or stderr write from per-stream slots it never empties,
// so two writes in ssh2 at once, or one after a stall on the other stream, can resend old
// bytes and lose new ones (ssh2-gaps.ts says how). So: never more than one write in ssh2 at
// a time, and its slots emptied each time one completes.

/** Bytes each side may queue here before write() says false (the channel holds 2 MiB more). */
const HIGH_WATER = 256 * 1024;

type Done = (err?: Error | null) => void;

export function channelOutputs(channel: ServerChannel): { stdout: Writable; stderr: Writable } {
  let busy = false;
  // At most one waiting entry per stream: a Writable hands its next chunk to write() only
  // after the previous one's callback, so this queue never holds more than two.
  const waiting: (() => void)[] = [];
  const send = (target: Writable, data: Buffer, done: Done) => {
    busy = true;
    let finished = false;
    const complete = (err?: Error | null) => {
      if (finished) return;
      finished = true;
      clearPendingWrites(channel);
      busy = false;
      // The other stream's waiting write goes first (neither can starve the other); done()
      // may hand this stream's next chunk to write() at once, which then waits behind it.
      waiting.shift()?.();
      done(err);
    };
    target.write(data, complete);
    // The window had room: ssh2 packed every byte during write(), and Node calls the write
    // callback only on the next tick. Completing now lets the caller reuse `data` at once.
    if (target.writableLength === 0) complete();
  };
  const side = (target: Writable) =>
    new Writable({
      highWaterMark: HIGH_WATER,
      write(data: Buffer, _enc, done) {
        if (busy) waiting.push(() => send(target, data, done));
        else send(target, data, done);
      },
    });
  return { stdout: side(channel), stderr: side(channel.stderr) };
}
