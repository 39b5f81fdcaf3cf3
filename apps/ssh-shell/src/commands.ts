/** Running a session's command: on pipes (exec and shell without a PTY) or on a PTY (node-pty). */
import { spawn as spawnChild } from 'node:child_process';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import type { IPty } from '@lydell/node-pty';
import { spawn as spawnPty } from '@lydell/node-pty';
import type { PseudoTtyInfo, ServerChannel } from 'ssh2';
import { channelOutputs } from './channel-output.ts';
import { childOutput } from './child-output.ts';
import { signalNumber, sshSignalName } from './processes.ts';
import type { SessionContext } from './session.ts';

export type Finish = (exitCode: number | null, signal: string | null) => void;

/** Report how the process ended: exit-status, or exit-signal when SSH can name the signal. */
function sendExit(
  channel: ServerChannel,
  code: number | null,
  signal: NodeJS.Signals | number | null,
) {
  const name = sshSignalName(signal);
  if (name) channel.exit(name, false, '');
  else channel.exit(code ?? (signal ? 128 + signalNumber(signal) : 255));
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
  child.stderr.pipe(outputs.stderr);
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

/** exec/shell with a PTY (node-pty: forkpty + setsid); output is one stream, as with sshd. */
export function runPty(
  command: string | undefined,
  info: PseudoTtyInfo,
  env: NodeJS.ProcessEnv,
  ctx: SessionContext,
  channel: ServerChannel,
  finish: Finish,
  onLeader: (pid: number) => void,
): IPty {
  const termName = (info as PseudoTtyInfo & { term?: string }).term || 'vt100';
  const args = command === undefined ? ['-l'] : ['-c', command];
  const term = spawnPty(ctx.shell, args, {
    name: termName,
    cols: info.cols || 80,
    rows: info.rows || 24,
    cwd: ctx.home,
    env: { ...env, TERM: termName } as Record<string, string>,
    encoding: null,
  });
  onLeader(term.pid);
  const untrack = ctx.track(term.pid, channel, true);
  term.onData((data) => {
    ctx.activity();
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
    ctx.activity();
    term.write(keys.write(data));
  });
  term.onExit(({ exitCode, signal }) => {
    untrack();
    const sig = sendExit(channel, signal ? null : exitCode, signal || null);
    finish(sig ? null : exitCode, sig);
  });
  return term;
}
