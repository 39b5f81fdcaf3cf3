/** What Linux /proc tells about a daemon: the TCP ports it listens on, its descendants, its usage. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { debug } from './log.ts';

/** Socket inodes of TCP sockets in LISTEN state, by local port, from /proc/net/tcp{,6}. */
function listeningInodes(): Map<string, number> {
  const byInode = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st ... inode (index 9); st 0A = LISTEN
      if (cols.length < 10 || cols[3] !== '0A') continue;
      const port = Number.parseInt(cols[1]!.split(':')[1]!, 16);
      byInode.set(cols[9]!, port);
    }
  }
  return byInode;
}

/**
 * TCP ports that process `pid` itself holds open in LISTEN state, or undefined where /proc
 * cannot tell (not Linux). This proves that the daemon WE started owns the port, not some
 * other process that grabbed the same number in the free-port race.
 */
export function listeningPortsOf(pid: number): Set<number> | undefined {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  const inodes = listeningInodes();
  const ports = new Set<number>();
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const match = /^socket:\[(\d+)\]$/.exec(target);
    const port = match ? inodes.get(match[1]!) : undefined;
    if (port !== undefined) ports.add(port);
  }
  return ports;
}

/**
 * The fields of /proc/<pid>/stat after `pid (comm) `, so field 3 (state) is index 0 and field
 * N is index N - 3 (man 5 proc). comm may hold spaces and parentheses: split at the last `)`.
 * The one reader of that file here. Undefined when the process is gone or /proc is not there.
 */
function statFields(pid: number | string): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot): a pid plus this names
 * one process for good, even after the pid number is reused. Undefined if it is gone. */
export function startTimeOf(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** Parent pid of every process, from /proc/<pid>/stat (empty off Linux). */
function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return parents;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(name); // state ppid ...
    if (fields) parents.set(Number(name), Number(fields[1]));
  }
  return parents;
}

/**
 * Every process below `pid` (children, grandchildren, ...). Taken before stopping a daemon so
 * that stop() can also wait for service processes that outlive their master for a moment
 * (Dovecot's imap-login, auth, ...; sshd's per-connection processes).
 */
export function descendantsOf(pid: number): number[] {
  const parents = parentPids();
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/**
 * True while `pid` runs. A zombie (exited, not yet reaped by its new parent) counts as gone:
 * orphans of a stopped daemon wait for init to reap them, which here can take seconds.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = statFields(pid)?.[0];
  return state !== 'Z' && state !== 'X';
}

/**
 * Ends processes the daemon left behind. Dovecot's master exits on SIGTERM within a second,
 * but a login process with a client still connected (and the log, anvil, auth and config
 * processes it keeps busy) would linger, holding an inherited listening socket, until the
 * client leaves. We are shutting down for good: SIGTERM them, SIGKILL what remains after
 * `graceMs`, and return once none runs.
 */
export async function reapOrphans(pids: number[], graceMs: number): Promise<void> {
  const signal = (list: number[], sig: NodeJS.Signals) => {
    for (const pid of list) {
      try {
        process.kill(pid, sig);
      } catch {}
    }
  };
  let left = pids.filter(isRunning);
  signal(left, 'SIGTERM');
  for (const [bound, next] of [
    [graceMs, 'SIGKILL'],
    [2000, undefined],
  ] as const) {
    const deadline = Date.now() + bound;
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(25);
      left = left.filter(isRunning);
    }
    if (left.length > 0 && next) {
      debug('pids %o outlived their daemon: %s', left, next);
      signal(left, next);
    }
  }
}

/** What a process uses now, from /proc/<pid>/stat: resident memory and CPU time so far. */
export interface ProcessUsage {
  /** Resident set size in bytes (pages in RAM, shared ones included). */
  rssBytes: number;
  /** User plus system CPU time, in seconds. */
  cpuSeconds: number;
  /** The scheduler state: `R` running, `S` sleeping, `Z` a zombie (exited, not yet reaped)... */
  state: string;
}

// Linux reports /proc times in clock ticks of USER_HZ, which is 100 on every Linux build
// Node supports, and RSS in pages of 4 KiB on x86_64 and arm64 (getpagesize).
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/**
 * Resident memory, CPU time and state of one process, for hostile-input suites (a server's
 * RSS stays bounded under attack), benches (CPU per operation) and tests that need to see a
 * zombie. The one reader of /proc/<pid>/stat for tests and benches. Linux only.
 *
 * @param pid The process, usually a server child the test started.
 * @returns Its usage, or undefined when it is gone or /proc is not there.
 * @example
 * const before = processUsage(server.pid!)!.rssBytes;
 */
export function processUsage(pid: number): ProcessUsage | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  // state is field 3 (index 0), utime 14, stime 15, rss 24 (man 5 proc).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    rssBytes: Number(fields[21]) * PAGE_BYTES,
    cpuSeconds: ticks / TICKS_PER_SECOND,
    state: fields[0]!,
  };
}
