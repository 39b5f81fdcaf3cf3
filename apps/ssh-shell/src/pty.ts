/** A session's command on a PTY (node-pty: forkpty + setsid), a layer over commands.ts. */
import { StringDecoder } from 'node:string_decoder';
import type { IPty } from '@lydell/node-pty';
import { spawn as spawnPty } from '@lydell/node-pty';
import type { PseudoTtyInfo, ServerChannel } from 'ssh2';
import { type Job, sendExit } from './commands.ts';

/** exec/shell with a PTY (node-pty: forkpty + setsid); output is one stream, as with sshd. */
export function runPty(job: Job, info: PseudoTtyInfo, channel: ServerChannel): IPty {
  const termName = (info as PseudoTtyInfo & { term?: string }).term || 'vt100';
  const args = job.command === undefined ? ['-l'] : ['-c', job.command];
  const term = spawnPty(job.shell, args, {
    name: termName,
    cols: info.cols || 80,
    rows: info.rows || 24,
    cwd: job.home,
    env: { ...job.env, TERM: termName } as Record<string, string>,
    encoding: null,
  });
  const exited = job.started(term.pid, channel);
  term.onData((data) => {
    job.activity();
    // Backpressure: stop reading the terminal until the SSH window has room again.
    if (!channel.write(data)) {
      term.pause();
      channel.once('drain', () => term.resume());
    }
  });
  // The PTY takes text; a StringDecoder keeps a UTF-8 character split between two SSH
  // packets whole (bytes that are not UTF-8 at all arrive as U+FFFD).
  const keys = new StringDecoder('utf8');
  channel.on('data', (data: Buffer) => {
    job.activity();
    term.write(keys.write(data));
  });
  term.onExit(({ exitCode, signal }) => {
    exited();
    const sig = sendExit(channel, signal ? null : exitCode, signal || null);
    job.finish(sig ? null : exitCode, sig);
  });
  return term;
}
