/** The progress line: done, queued and failed counts, rate and ETA, as a bar or as plain lines. */
import { describe, expect, it } from 'vitest';
import { createCrawlProgress } from './progress.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: Object.assign({ write: (s: string) => chunks.push(s) > 0 }, { isTTY }) };
}

describe('crawl progress', () => {
  it('prints done, queued, failed, rate and ETA as plain lines every interval', () => {
    let t = 0;
    const { chunks, stream } = sink(false);
    const progress = createCrawlProgress({
      stream: stream as never,
      now: () => t,
      intervalMs: 5000,
    });
    t = 1000;
    progress.update({ done: 20, queued: 60, failed: 2 });
    t = 2000;
    progress.update({ done: 40, queued: 40, failed: 3 }); // within the interval: not printed
    t = 8000;
    progress.update({ done: 160, queued: 0, failed: 7 });
    progress.done(); // the final counts are already shown: not printed twice
    expect(chunks).toEqual([
      'crawl 25% 20 done, 60 queued, 2 failed, 20/s ETA 0:03\n',
      'crawl 100% 160 done, 0 queued, 7 failed, 20/s\n',
    ]);
  });

  it('always ends with the final counts, printed once', () => {
    let t = 0;
    const { chunks, stream } = sink(false);
    const progress = createCrawlProgress({ stream: stream as never, now: () => t });
    t = 1000;
    progress.update({ done: 1, queued: 9, failed: 0 });
    t = 2000;
    progress.update({ done: 10, queued: 0, failed: 1 }); // within the interval: held back
    progress.done();
    expect(chunks).toEqual([
      'crawl 10% 1 done, 9 queued, 0 failed, 1/s ETA 0:09\n',
      'crawl 100% 10 done, 0 queued, 1 failed, 5/s\n',
    ]);
  });

  it('redraws one bar on a terminal and keeps it below logged lines', () => {
    let t = 0;
    const { chunks, stream } = sink(true);
    const progress = createCrawlProgress({ stream: stream as never, now: () => t });
    t = 2000;
    progress.update({ done: 1500, queued: 1500, failed: 12 });
    progress.log('> GET http://127.0.0.1/');
    progress.done();
    const bar =
      'crawl [############------------] 50% 1,500 done, 1,500 queued, 12 failed, 750/s ETA 0:02';
    expect(chunks).toEqual([
      `\r\u001b[2K${bar}`,
      '\r\u001b[2K> GET http://127.0.0.1/\n',
      bar,
      `\r\u001b[2K${bar}`,
      '\n',
    ]);
  });
});
