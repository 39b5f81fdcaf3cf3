/** The state folder: torn writes, uncommitted rows and a frontier bigger than memory. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processUsage } from '@netlab/peers';
import { afterAll, describe, expect, it } from 'vitest';
import { lockState } from './lock.ts';
import { CrawlStore } from './store.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'http-scraper-store-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => path.join(root, String(n++));
const drain = (store: CrawlStore): string[] => {
  const urls: string[] = [];
  for (let e = store.next(); e; e = store.next()) urls.push(e.url);
  return urls;
};

describe('CrawlStore', () => {
  it('resumes: finished URLs stay finished, the rest come back in order', async () => {
    const dir = fresh();
    const a = new CrawlStore(dir, { output: 'out.jsonl' });
    for (let i = 0; i < 5; i++) a.add(`http://h/${i}`, 0);
    const first = a.next()!;
    a.commit(first.id, '{"row":0}\n', '200');
    a.next(); // taken but never committed: it was in flight when the process died
    a.flush(0);
    // No close(): the process is gone. A new store reads what reached the files.
    const b = new CrawlStore(dir, { output: 'out.jsonl' });
    expect(b.resumedDone).toBe(1);
    expect(drain(b)).toEqual(['http://h/1', 'http://h/2', 'http://h/3', 'http://h/4']);
    expect(b.add('http://h/0', 1)).toBe(false); // still seen
    await b.close();
  });

  it('drops torn last lines and rows that no journal line committed', async () => {
    const dir = fresh();
    const a = new CrawlStore(dir, { output: 'out.csv', header: 'url\r\n' });
    a.add('http://h/0', 0);
    a.add('http://h/1', 0);
    a.commit(a.next()!.id, 'http://h/0\r\n', '200');
    await a.close();
    fs.appendFileSync(path.join(dir, 'out.csv'), 'http://h/1\r\n'); // written, never committed
    fs.appendFileSync(path.join(dir, 'journal.log'), '1\t9'); // torn journal line
    fs.appendFileSync(path.join(dir, 'frontier.log'), '0\thttp://h/tor'); // torn frontier line
    const b = new CrawlStore(dir, { output: 'out.csv', header: 'url\r\n' });
    expect(fs.readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe('url\r\nhttp://h/0\r\n');
    expect(drain(b)).toEqual(['http://h/1']);
    expect(b.seen.has('http://h/tor')).toBe(false);
    await b.close();
    expect(fs.readFileSync(path.join(dir, 'journal.log'), 'utf8').endsWith('\n')).toBe(true);
  });

  it('keeps only a window of the frontier in memory and reads the rest back from disk', async () => {
    const dir = fresh();
    const store = new CrawlStore(dir, { output: 'out.jsonl', window: 16 });
    for (let i = 0; i < 1000; i++) store.add(`http://h/${i}`, 2);
    expect(store.peek(100)).toHaveLength(16);
    const urls = drain(store);
    expect(urls).toHaveLength(1000);
    expect(urls[999]).toBe('http://h/999');
    expect(store.pending).toBe(1000);
    await store.close();
  });

  it('reads back a frontier line longer than its read buffer', async () => {
    const dir = fresh();
    const store = new CrawlStore(dir, { output: 'out.jsonl', window: 4 });
    const long = `http://h/${'x'.repeat(200_000)}`; // the buffer starts at 64 KiB
    const added = ['http://h/a', 'http://h/b', 'http://h/c', 'http://h/d', long, 'http://h/e'];
    for (const url of added) store.add(url, 1);
    expect(drain(store)).toEqual(added);
    await store.close();
  });

  it('records redirect targets as seen and finished', async () => {
    const dir = fresh();
    const a = new CrawlStore(dir, { output: 'out.jsonl' });
    a.add('http://h/r', 0);
    a.addFinished('http://h/target', 0, 'redirect-target');
    await a.close();
    const b = new CrawlStore(dir, { output: 'out.jsonl' });
    expect(b.add('http://h/target', 1)).toBe(false);
    expect(drain(b)).toEqual(['http://h/r']);
    await b.close();
  });

  it('refuses a folder another live process holds, takes over a dead one', () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'lock'), String(process.ppid));
    expect(() => lockState(dir)).toThrow(expect.objectContaining({ code: 'ERR_STATE_LOCKED' }));
    fs.writeFileSync(path.join(dir, 'lock'), '999999999'); // no such process
    const unlock = lockState(dir);
    unlock();
    expect(fs.existsSync(path.join(dir, 'lock'))).toBe(false);
  });

  it.skipIf(!fs.existsSync('/proc/self/stat'))(
    'takes over from a zombie: a crawl killed but not yet reaped',
    async () => {
      const dir = fresh();
      fs.mkdirSync(dir);
      // sh starts a short sleep, then becomes a long one, which never reaps it: once the short
      // one ends it stays a zombie. (A child that ends before the exec may be reaped by sh.)
      const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 10'], { stdio: 'pipe' });
      try {
        const [line] = (await once(parent.stdout, 'data')) as [Buffer];
        const zombie = Number(line.toString());
        for (let i = 0; i < 100 && processUsage(zombie)?.state !== 'Z'; i++) await sleep(20);
        expect(processUsage(zombie)?.state).toBe('Z');
        fs.writeFileSync(path.join(dir, 'lock'), String(zombie));
        lockState(dir)();
      } finally {
        parent.kill();
      }
    },
  );
});
