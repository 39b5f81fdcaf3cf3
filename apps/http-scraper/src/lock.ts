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
      throw new CrawlError('ERR_STATE_LOCKED', `${dir} is in use by process ${pid}`);
    }
  } catch (error) {
    if (error instanceof CrawlError) throw error;
  }
  fs.writeFileSync(file, String(process.pid));
  return () => fs.rmSync(file, { force: true });
}
