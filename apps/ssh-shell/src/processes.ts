/**
 * Child processes of a session and how they end. Every command starts as the leader of its own
 * session (setsid: `detached` for pipes, forkpty for PTYs), so ending a client's work means
 * signalling every process whose session id is that leader, including background jobs that
 * an interactive shell moved into other process groups. A process that calls setsid() itself
 * leaves that session on purpose (a daemon) and is not followed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';

/**
 * pids whose session or process group is `leader`. Reads every /proc/<pid>/stat (about 10 ms
 * for 130 processes on a busy machine), so callers avoid it on the common path.
 */
export function sessionMembers(leader: number): number[] {
  const members: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return members; // not Linux: fall back to the process group signal alone
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // Fields after the command name, which may itself contain spaces and parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pgrp = Number(rest[2]);
      const sid = Number(rest[3]);
      if (sid === leader || pgrp === leader) members.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return members;
}

function signalAll(leader: number, signal: NodeJS.Signals): number {
  let sent = 0;
  try {
    process.kill(-leader, signal);
    sent++;
  } catch {
    // group already gone
  }
  for (const pid of sessionMembers(leader)) {
    try {
      process.kill(pid, signal);
      sent++;
    } catch {
      // gone
    }
  }
  return sent;
}

/**
 * End everything started under `leader`: SIGHUP + SIGTERM (what a hung-up terminal gets),
 * then SIGKILL after `graceMs` for whatever is left. Resolves when nothing remains or after
 * the SIGKILL round.
 */
export async function endSession(leader: number, graceMs = 1500): Promise<void> {
  if (signalAll(leader, 'SIGHUP') === 0) return;
  signalAll(leader, 'SIGCONT'); // stopped jobs must run to see the signals
  signalAll(leader, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    if (sessionMembers(leader).length === 0 && !groupAlive(leader)) return;
  }
  signalAll(leader, 'SIGKILL');
}

/** Does any process of the leader's process group remain? (signal 0 probes, sends nothing) */
export function groupAlive(leader: number): boolean {
  try {
    process.kill(-leader, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals an SSH exit-signal message can name (RFC 4254 §6.10). */
const SSH_SIGNALS = new Set([
  'ABRT',
  'ALRM',
  'FPE',
  'HUP',
  'ILL',
  'INT',
  'KILL',
  'PIPE',
  'QUIT',
  'SEGV',
  'TERM',
  'USR1',
  'USR2',
]);

/** Map a signal name or number to the SSH name, or undefined if SSH cannot carry it. */
export function sshSignalName(signal: NodeJS.Signals | number | null | undefined) {
  if (signal === null || signal === undefined || signal === 0) return undefined;
  const name =
    typeof signal === 'number'
      ? Object.entries(constants.signals).find(([, n]) => n === signal)?.[0]
      : signal;
  const short = name?.replace(/^SIG/, '');
  return short && SSH_SIGNALS.has(short) ? short : undefined;
}

/** Signal number for a name, for the 128+n exit status when SSH cannot name the signal. */
export function signalNumber(signal: NodeJS.Signals | number): number {
  if (typeof signal === 'number') return signal;
  return (constants.signals as Record<string, number>)[signal] ?? 1;
}

/** Send a client-requested signal (`INT`, `TERM`, ...) to a command's process group. */
export function forwardSignal(leader: number, name: string): boolean {
  const short = name.toUpperCase().replace(/^SIG/, '');
  if (!SSH_SIGNALS.has(short)) return false;
  try {
    process.kill(-leader, `SIG${short}` as NodeJS.Signals);
    return true;
  } catch {
    return false;
  }
}
