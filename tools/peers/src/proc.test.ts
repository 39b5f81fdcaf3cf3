/** processUsage reads a real process's RSS and CPU time from /proc. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, test } from 'vitest';
import { processUsage } from './proc.ts';

describe('processUsage', () => {
  test('sees a child grow by the memory it touches, and its CPU time', async () => {
    const script =
      'let s=0;for(let i=0;i<3e7;i++)s+=i;const b=Buffer.alloc(64*2**20,1);' +
      'process.stdout.write("ready\\n");setTimeout(()=>b.length,60000)';
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(child.stdout, 'data');
      const usage = processUsage(child.pid!)!;
      expect(usage.rssBytes).toBeGreaterThan(64 * 2 ** 20);
      expect(usage.rssBytes).toBeLessThan(1024 * 2 ** 20);
      expect(usage.cpuSeconds).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
    await once(child, 'exit');
    expect(processUsage(child.pid!)).toBeUndefined();
  });

  test('agrees with process.memoryUsage.rss() for this process', () => {
    const fromProc = processUsage(process.pid)!.rssBytes;
    const fromNode = process.memoryUsage.rss();
    expect(Math.abs(fromProc - fromNode)).toBeLessThan(16 * 2 ** 20);
  });
});
