/** The state folder's lock file: one crawl per folder, taken over from a process that died. */
import fs from 'node:fs';
import path from 'node:path';
import { CrawlError } from './errors.ts';

/** Throws ERR_STATE_LOCKED when another live process owns the folder; else takes it. */
export function lockState(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'lock');
  try {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    if (pid && pid !== process.pid) {
      process.kill(pid, 0); // throws ESRCH when the owner is gone (e.g. after kill -9)
      if (!exited(pid))
        throw new CrawlError('ERR_STATE_LOCKED', `${dir} is in use by process ${pid}`);
    }
  } catch (error) {
    if (error instanceof CrawlError) throw error;
  }
  fs.writeFileSync(file, String(process.pid));
  return () => fs.rmSync(file, { force: true });
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
