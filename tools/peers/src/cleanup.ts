/** Last-resort cleanup: kill our daemons and remove their state folders when the process exits. */
import { rmSync } from 'node:fs';
import { descendantsOf } from './proc.ts';

const livePids = new Set<number>();
const stateDirs = new Set<string>();
let installed = false;

/**
 * Synchronous: the 'exit' event allows no waiting, so SIGKILL and rm -rf. The daemons'
 * descendants (Dovecot's service processes, sshd's sessions) go too, found before the kill.
 */
function cleanupNow(): void {
  const doomed = [...livePids].flatMap((pid) => [pid, ...descendantsOf(pid)]);
  for (const pid of doomed) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  livePids.clear();
  for (const dir of stateDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {}
  }
  stateDirs.clear();
}

/**
 * On SIGINT/SIGTERM/SIGHUP with no other listener, the process is about to die without an
 * 'exit' event: clean up and re-raise the signal so it still dies the way it would have.
 * When someone else listens (a CLI stopping its peers gracefully), leave it to them; the
 * 'exit' hook still catches anything left.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  cleanupNow();
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

/** Kill `pid` when this process exits, unless forgetPid is called first. */
export function trackPid(pid: number): void {
  install();
  livePids.add(pid);
}

export function forgetPid(pid: number): void {
  livePids.delete(pid);
}

/** Remove `dir` when this process exits, unless forgetDir is called first. */
export function trackDir(dir: string): void {
  install();
  stateDirs.add(dir);
}

export function forgetDir(dir: string): void {
  stateDirs.delete(dir);
}
