/** Progress display against a fake clock: TTY bar, plain periodic lines, formatting. */
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { bytes, createProgress, duration } from './index.ts';

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stream, chunks };
}

describe('createProgress', () => {
  test('prints plain periodic lines with rate and ETA when not a TTY', () => {
    const { stream, chunks } = sink();
    let clock = 0;
    const progress = createProgress({
      label: 'crawl',
      total: 100,
      stream,
      tty: false,
      intervalMs: 1000,
      now: () => clock,
    });
    clock = 2000;
    progress.update(20);
    clock = 2500;
    progress.tick(5); // within the interval: no line
    clock = 4000;
    progress.tick(15);
    progress.done(); // the last line shows the final amounts already: not printed twice
    expect(chunks).toEqual([
      'crawl 20% 20/100 10/s ETA 0:08\n',
      'crawl 40% 40/100 10/s ETA 0:06\n',
    ]);
  });

  test('ends with the final amounts when a later update was held back by the interval', () => {
    const { stream, chunks } = sink();
    let clock = 0;
    const progress = createProgress({
      label: 'seed',
      total: 10,
      stream,
      tty: false,
      now: () => clock,
    });
    clock = 1000;
    progress.update(1);
    clock = 2000;
    progress.update(10); // within the 5 s interval: held back
    progress.done();
    expect(chunks).toEqual(['seed 10% 1/10 1/s ETA 0:09\n', 'seed 100% 10/10 5/s\n']);
  });

  test('rounds the percentage down: 100% only when everything is done', () => {
    const { stream, chunks } = sink();
    let clock = 0;
    const progress = createProgress({
      label: 'x',
      total: 1000,
      stream,
      tty: false,
      now: () => clock,
    });
    clock = 1000;
    progress.update(999);
    expect(chunks).toEqual(['x 99% 999/1,000 999/s ETA 0:00\n']);
  });

  test('detail replaces the amounts, for work with several counts (a crawl)', () => {
    const { stream, chunks } = sink();
    let clock = 0;
    let failed = 0;
    const progress = createProgress({
      label: 'crawl',
      stream,
      tty: true,
      now: () => clock,
      detail: (done, total = 0) => `${done} done, ${total - done} queued, ${failed} failed,`,
    });
    clock = 2000;
    failed = 12;
    progress.update(1500, 3000);
    expect(chunks).toEqual([
      '\r\u001b[2Kcrawl [############------------] 50% 1500 done, 1500 queued, 12 failed, 750/s ETA 0:02',
    ]);
  });

  test('draws a bar in place on a TTY and ends with a newline', () => {
    const { stream, chunks } = sink();
    let clock = 0;
    const progress = createProgress({
      label: 'get',
      total: 2048,
      unit: 'bytes',
      stream,
      tty: true,
      now: () => clock,
    });
    clock = 1000;
    progress.update(1024);
    progress.done();
    const text = chunks.join('');
    expect(text).toContain('\r\u001b[2Kget [############------------] 50% 1.0 KiB/2.0 KiB');
    expect(text.endsWith('\n')).toBe(true);
  });

  test('without a total shows the count and rate only', () => {
    const { stream, chunks } = sink();
    let clock = 0;
    const progress = createProgress({ label: 'pages', stream, tty: false, now: () => clock });
    clock = 1000;
    progress.update(3);
    progress.done();
    expect(chunks.at(-1)).toBe('pages 3 3/s\n');
  });

  test('log() keeps the bar intact on a TTY', () => {
    const { stream, chunks } = sink();
    const progress = createProgress({ label: 'x', total: 1, stream, tty: true, now: () => 0 });
    progress.log('retrying 127.0.0.1:80');
    expect(chunks[0]).toBe('\r\u001b[2Kretrying 127.0.0.1:80\n');
    expect(chunks[1]).toMatch(/^x \[/);
  });
});

describe('formatting', () => {
  test.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [200 * 1024 * 1024, '200.0 MiB'],
  ])('bytes(%d) is %s', (n, text) => {
    expect(bytes(n)).toBe(text);
  });

  test.each([
    [0, '0:00'],
    [65, '1:05'],
    [3725, '1:02:05'],
  ])('duration(%d) is %s', (s, text) => {
    expect(duration(s)).toBe(text);
  });
});
