/** Running a session's command on pipes (exec, and shell without a PTY); a PTY is pty.ts's. */
import { spawn as spawnChild } from 'node:child_process';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ServerChannel } from 'ssh2';
import { channelOutputs } from './channel-output.ts';
import { childOutput } from './child-output.ts';
import { signalNumber, sshSignalName } from './processes.ts';
import type { SessionContext } from './session.ts';

export type Finish = (exitCode: number | null, signal: string | null) => void;

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
  // EOF then CLOSE: the status must leave before the channel closes, or the client sees none.
  channel.end();
  return name ?? null;
}

/**
 * exec/shell without a terminal: stdout through childOutput (the bulk path), stderr through a
 * pipe, both onto the channel through channelOutputs, stdin from the channel. The exit status
 * goes out once the command has exited and both streams are on the channel.
 */
export async function runPipes(
  command: string | undefined,
  env: NodeJS.ProcessEnv,
  ctx: SessionContext,
  channel: ServerChannel,
  finish: Finish,
  onLeader: (pid: number) => void,
) {
  let gone = false;
  channel.once('close', () => (gone = true));
  const outputs = channelOutputs(channel);
  const out = await childOutput(outputs.stdout, ctx.activity);
  if (gone) return out.destroy(); // the client closed the channel while we set up
  const args = command === undefined ? [] : ['-c', command];
  // detached: the child calls setsid(), so it leads a session we can end as a whole.
  const child = spawnChild(ctx.shell, args, {
    cwd: ctx.home,
    env,
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
  onLeader(child.pid);
  const untrack = ctx.track(child.pid, channel, false);
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
  channel.on('data', ctx.activity);
  child.stdin.on('error', () => {}); // EPIPE when the command exits before reading its input
  const flushed = (w: Writable) => finished(w).catch(() => {}); // destroyed: the client left
  const [[code, signal]] = await Promise.all([
    new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    ),
    out.ended.then(() => flushed(outputs.stdout.end())),
    flushed(outputs.stderr), // the pipe ends it at the command's stderr EOF
  ]);
  untrack();
  const sig = sendExit(channel, code, signal);
  finish(sig ? null : (code ?? null), sig);
}
