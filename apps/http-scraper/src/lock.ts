/** The state folder's lock file: one crawl per folder, taken over from a process that died. */
import fs from 'node:fs';
import path from 'node:path';
import { CrawlError } from './errors.ts';

const LOCK = 'lock';
/** Folders this process holds: a second crawl in the same process is refused too. */
const held = new Set<string>();

/**
 * Takes the folder's lock, or throws ERR_STATE_LOCKED naming the live process that holds it.
 * The lock file is created with O_EXCL, so of two crawls starting at once only one gets it; a
 * lock left by a process that is gone (kill -9) is removed and taken.
 */
export function lockState(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK);
  if (held.has(file)) throw locked(dir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === 2) throw error;
    }
    const pid = readPid(file);
    if (pid === undefined && attempt < 2) {
      // Empty: another crawl created it this instant and is writing its pid. Look again.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      continue;
    }
    if (pid !== undefined && pid !== process.pid && alive(pid)) throw locked(dir, pid);
    fs.rmSync(file, { force: true }); // the owner is gone: take the folder over
  }
  held.add(file);
  return () => {
    held.delete(file);
    fs.rmSync(file, { force: true });
  };
}

/** Empties a locked state folder for `--fresh`, keeping the lock that guards it. */
export function emptyState(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name !== LOCK) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

const locked = (dir: string, pid: number): CrawlError =>
  new CrawlError(
    'ERR_STATE_LOCKED',
    `${dir} is in use by process ${pid} (a crawl still running there; stop it, or choose another --out)`,
  );

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // removed meanwhile: the next attempt creates it
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // throws ESRCH when the owner is gone (e.g. after kill -9)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
  return !exited(pid);
}

/**
 * Whether a pid that kill(pid, 0) still finds has in fact exited: a zombie waiting to be
 * reaped. After `kill -9` of the crawl's process group its parent is gone too, so the crawl
 * is reaped by PID 1; in a container that init reaps late or never (seen here: 2 s), and
 * the next run would find the folder locked by a dead crawl. Linux only (`/proc`).
 */
function exited(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ...`: comm may hold spaces and parentheses, so split at the last `)`.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}
