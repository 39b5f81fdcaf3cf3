/** processUsage reads a real process's RSS, CPU time and state from /proc. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
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

  test('agrees with process.memoryUsage.rss() for this process, which is running', () => {
    const usage = processUsage(process.pid)!;
    const fromNode = process.memoryUsage.rss();
    expect(Math.abs(usage.rssBytes - fromNode)).toBeLessThan(16 * 2 ** 20);
    expect(usage.state).toBe('R'); // reading its own stat, it is on a CPU
  });

  test('sees a zombie: a child that exited and that its parent never reaps', async () => {
    // sh starts a short sleep, then becomes a long one, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 10'], { stdio: 'pipe' });
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      const zombie = Number(line.toString());
      for (let i = 0; i < 100 && processUsage(zombie)?.state !== 'Z'; i++) await sleep(20);
      expect(processUsage(zombie)?.state).toBe('Z');
    } finally {
      parent.kill();
    }
  });
});
