/** One crawl per state folder: --fresh is refused while another live process holds the lock. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsByUrl, runCli, startCli } from './fixture/child.ts';
import { createHostileServer } from './fixture/hostile.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'http-scraper-lock-'));
const site = createHostileServer();
afterAll(async () => {
  await site.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function waitForRows(out: string, n: number): Promise<void> {
  for (let i = 0; i < 400 && rowsByUrl(out).size < n; i++) await sleep(25);
  expect(rowsByUrl(out).size).toBeGreaterThanOrEqual(n);
}

let origin: string;
beforeAll(async () => {
  origin = await site.listen();
});

describe('--fresh and the lock', { timeout: 60_000 }, () => {
  it('refuses to empty a folder a live crawl holds, naming its pid; the rows stay', async () => {
    const out = path.join(root, 'shared');
    // A crawl that writes two rows, then waits on a trickle for as long as we let it.
    const first = startCli([
      ...['crawl', `${origin}/l/a`, `${origin}/l/b`, `${origin}/trickle`, '--out', out],
      ...['--deadline', '60000', '--body-timeout', '60000', '--per-host', '1', '-q'],
    ]);
    try {
      await waitForRows(out, 2);
      const pid = first.child.pid!;
      const fresh = await runCli(['crawl', `${origin}/l/c`, '--out', out, '--fresh']);
      expect(fresh.code).toBe(1);
      expect(fresh.stderr).toMatch(/^http-scraper: ERR_STATE_LOCKED /);
      expect(fresh.stderr).toContain(`${out} is in use by process ${pid}`);
      const json = await runCli(['crawl', `${origin}/l/c`, '--out', out, '--fresh', '--json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stderr).error.code).toBe('ERR_STATE_LOCKED');
      expect([...rowsByUrl(out).keys()].sort()).toEqual([`${origin}/l/a`, `${origin}/l/b`]);
    } finally {
      first.child.kill('SIGKILL');
      await first.done;
    }
    // Its owner gone, the folder is taken over, and --fresh starts it anew.
    const after = await runCli(['crawl', `${origin}/l/c`, '--out', out, '--fresh', '-q']);
    expect(after.code).toBe(0);
    expect([...rowsByUrl(out).keys()]).toEqual([`${origin}/l/c`]);
  });

  it('lets only one of two crawls started at once have the folder', async () => {
    const out = path.join(root, 'race');
    const args = ['crawl', `${origin}/trickle`, '--out', out, '--deadline', '60000', '-q'];
    const both = [startCli(args), startCli(args)];
    try {
      const loser = await Promise.race(both.map((run) => run.done));
      expect(loser.code).toBe(1);
      expect(loser.stderr).toMatch(/^http-scraper: ERR_STATE_LOCKED /);
    } finally {
      for (const run of both) run.child.kill('SIGKILL');
      await Promise.all(both.map((run) => run.done));
    }
  });
});
