/** A session's background jobs: their logs (their own terminals), waiting on them, stopping them. */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';

/** A background job: the command as written, the log it writes to, its process group. */
export interface Job {
  command: string;
  log: string;
  pid: number;
}

/**
 * The first match of `pattern` in what the log gained after byte `from`; polled until
 * `deadline`. The log stays open between polls, and each poll reads only what it gained.
 */
export async function waitForLine(
  log: string,
  from: number,
  pattern: RegExp,
  deadline: number,
): Promise<RegExpMatchArray | undefined> {
  const decoder = new StringDecoder('utf8'); // a character may straddle two polls
  let handle: FileHandle | undefined;
  let text = '';
  let position = from;
  try {
    while (Date.now() < deadline) {
      handle ??= await open(log).catch(() => undefined); // none before the job writes
      if (handle) {
        const gained = Math.max(0, (await handle.stat()).size - position);
        const { bytesRead, buffer } = await handle.read(Buffer.alloc(gained), 0, gained, position);
        position += bytesRead;
        text += decoder.write(buffer.subarray(0, bytesRead));
      }
      const match = text.match(pattern);
      if (match) return match;
      await sleep(100);
    }
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** How many bytes the log holds now (0 before the job first writes). */
export async function logSize(log: string): Promise<number> {
  return (await stat(log).catch(() => ({ size: 0 }))).size;
}

/** The promise's value, or undefined once `deadline` (a Date.now() time) has passed. */
export function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Lets each job end by itself for up to `graceMs` (one the session stopped may still be
 * closing down), then SIGTERM to the process group of each still running, SIGKILL after 10 s.
 */
export async function stopJobs(jobs: Job[], graceMs: number): Promise<void> {
  const alive = (job: Job) => {
    try {
      process.kill(-job.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const settle = async (ms: number) => {
    const until = Date.now() + ms;
    while (jobs.some((job) => job.pid > 0 && alive(job)) && Date.now() < until) {
      await sleep(100);
    }
    return jobs.filter((job) => job.pid > 0 && alive(job));
  };
  for (const job of await settle(graceMs)) process.kill(-job.pid, 'SIGTERM');
  for (const job of await settle(10_000)) process.kill(-job.pid, 'SIGKILL');
}
