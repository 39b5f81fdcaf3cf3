/** A session's command on pipes: stdout as channel data, stderr as extended data, exit-status, EOF, CLOSE. */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ServerChannel } from 'ssh2';
import { channelOutputs } from './channel-output.ts';
import { childOutput } from './child-output.ts';
import { signalNumber, sshSignalName } from './processes.ts';

/** How a command ended, for the log: an exit code, or the SSH name of the signal. */
export type Finish = (exitCode: number | null, signal: string | null) => void;

/** What to run for one exec (or shell) request, as the layers hand it to the core. */
export interface Job {
  /** The command line, run by `shell -c`; undefined runs the shell itself (a shell request). */
  command: string | undefined;
  shell: string;
  /** Working directory. */
  home: string;
  env: NodeJS.ProcessEnv;
  /** Channel data moved either way (the idle timer's layer listens). */
  activity(): void;
  /** The command's process started; call the result once it has exited (layers end it early). */
  started(pid: number, channel: ServerChannel): () => void;
  finish: Finish;
}

/** Report how the process ended: exit-status, or exit-signal when SSH can name the signal. */
export function sendExit(
  channel: ServerChannel,
  code: number | null,
  signal: NodeJS.Signals | number | null,
) {
  // RFC 4254 §6.10: exit-signal names the signal without its SIG prefix ("TERM"); one SSH
  // has no name for goes out as a shell would report it, exit-status 128 + its number.
  const name = sshSignalName(signal);
  if (name) channel.exit(name, false, '');
  else channel.exit(code ?? (signal ? 128 + signalNumber(signal) : 255));
  // RFC 4254 §5.3: then EOF ("no more data from me") and CLOSE. The status must leave before
  // CLOSE: a client stops listening to a channel once both sides have sent CLOSE.
  channel.end();
  return name ?? null;
}

/**
 * Run one command for a session channel and answer on that channel: its output while it runs,
 * then how it ended. A command that cannot start is answered like a shell would: a line on
 * stderr and exit-status 127.
 */
export async function runCommand(job: Job, channel: ServerChannel): Promise<void> {
  try {
    await runPipes(job, channel);
  } catch (err) {
    channel.stderr.write(`ssh-shell: cannot start ${job.shell}: ${(err as Error).message}\r\n`);
    channel.exit(127);
    channel.end();
    job.finish(127, null);
  }
}

async function runPipes(job: Job, channel: ServerChannel) {
  let gone = false;
  channel.once('close', () => (gone = true));
  // Both streams share the channel, one write in ssh2 at a time (channel-output.ts). A write
  // waits while the client's window is used up (RFC 4254 §5.2: the receiver grants bytes with
  // WINDOW_ADJUST), and write() returning false stops us reading the command until 'drain'.
  const outputs = channelOutputs(channel);
  // stdout arrives over a socket pair read into one reused buffer (child-output.ts).
  const out = await childOutput(outputs.stdout, job.activity);
  if (gone) return out.destroy(); // the client closed the channel while we set up
  const args = job.command === undefined ? [] : ['-c', job.command];
  // detached: the child calls setsid(), so it leads a session we can end as a whole.
  const child = spawn(job.shell, args, {
    cwd: job.home,
    env: job.env,
    detached: true,
    stdio: ['pipe', out.childEnd, 'pipe'],
  });
  // Attached at once: a failed spawn (a missing --home, say) emits 'error' on a later tick.
  child.on('error', () => {});
  out.releaseChildEnd();
  if (child.pid === undefined) {
    out.destroy();
    throw new Error('spawn failed');
  }
  const exited = job.started(child.pid, channel);
  // Nobody left to read: stop holding the socket and whatever waits for the window.
  channel.once('close', () => {
    out.destroy();
    outputs.stdout.destroy();
    outputs.stderr.destroy();
  });
  // RFC 4254 §5.2: stderr travels as CHANNEL_EXTENDED_DATA (type 1) on the same channel, so
  // the client can keep the two streams apart; both share one flow-control window.
  child.stderr.pipe(outputs.stderr);
  // The client's EOF (`ssh host cmd < file` at end of file) ends the command's stdin: pipe()
  // passes the half-close on, while the channel stays open for output in the other direction.
  channel.pipe(child.stdin);
  channel.on('data', job.activity);
  child.stdin.on('error', () => {}); // EPIPE when the command exits before reading its input
  const flushed = (w: Writable) => finished(w).catch(() => {}); // destroyed: the client left
  // The process may exit before its last bytes are on the channel (they sit in the pipe or in
  // our queue), so exit-status waits for all three: exit, stdout's EOF, stderr's EOF.
  const [[code, signal]] = await Promise.all([
    new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    ),
    out.ended.then(() => flushed(outputs.stdout.end())),
    flushed(outputs.stderr), // the pipe ends it at the command's stderr EOF
  ]);
  exited();
  const sig = sendExit(channel, code, signal);
  job.finish(sig ? null : (code ?? null), sig);
}
