/** Waiting on a job's log: only what it gained after a mark, read as it grows. */
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { waitForLine } from './jobs.ts';

it('finds a line written after the mark, across writes and a split character', async () => {
  const log = join(await mkdtemp(join(tmpdir(), 'tour-jobs-')), 'job.log');
  await writeFile(log, 'listening on port 1\n');
  const from = 'listening on port 1\n'.length;
  const waiting = waitForLine(
    log,
    from,
    /listening on port (?<port>\d+) as (?<who>\S+)\n/,
    Date.now() + 10_000,
  );
  const name = Buffer.from('Zoë'); // the ë is two bytes, written in two parts
  await sleep(150);
  await appendFile(
    log,
    Buffer.concat([Buffer.from('listening on port 2 as '), name.subarray(0, 3)]),
  );
  await sleep(150);
  await appendFile(log, Buffer.concat([name.subarray(3), Buffer.from('\n')]));
  const match = await waiting;
  expect(match?.groups).toEqual({ port: '2', who: 'Zoë' });
});

it('gives up at the deadline, also when the log never appears', async () => {
  const log = join(await mkdtemp(join(tmpdir(), 'tour-jobs-')), 'never.log');
  expect(await waitForLine(log, 0, /anything/, Date.now() + 300)).toBeUndefined();
});
