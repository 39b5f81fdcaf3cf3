/** The peers CLI as a user runs it: start in the foreground, SIGTERM stops; usage errors exit 2. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { redisPing } from './redis.ts';
import { isAlive } from './test-helpers.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

function cli(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function firstLine(child: ChildProcess): Promise<string> {
  let text = '';
  for await (const chunk of child.stdout!) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  return text.split('\n')[0]!;
}

describe('peers CLI', { timeout: 60_000 }, () => {
  it('start redis --json runs until SIGTERM, then stops it and cleans up', async () => {
    const child = cli('start', 'redis', '--json');
    const done = exited(child);
    const info = JSON.parse(await firstLine(child));
    expect(info).toMatchObject({ name: 'redis', host: '127.0.0.1' });
    expect(await redisPing(info.port)).toBe(true);
    child.kill('SIGTERM');
    expect(await done).toBe(0);
    expect(isAlive(info.pid)).toBe(false);
    expect(existsSync(info.stateDir)).toBe(false);
  });

  it('exits 2 on an unknown peer or command', async () => {
    const codes = await Promise.all([
      exited(cli('install', 'no-such-peer')),
      exited(cli('frobnicate')),
      exited(cli('start', '--no-such-flag')),
    ]);
    expect(codes).toEqual([2, 2, 2]);
  });

  it('install --json reports the paths it found', async () => {
    const child = cli('install', 'redis', '--json');
    const done = exited(child);
    const report = JSON.parse(await firstLine(child));
    expect(report.installed).toEqual(['redis']);
    expect(report.paths).toContain('/usr/bin/redis-server');
    expect(await done).toBe(0);
  });
});
