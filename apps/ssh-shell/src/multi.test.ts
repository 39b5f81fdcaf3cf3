/** Many hosts: line splitting under any chunking, per-host timeouts that also end the remote command. */

import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { isRunning } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureOpenSsh,
  makeUserKey,
  type OurServer,
  startOurServer,
  tempDir,
  waitUntil,
} from '../test/fixtures.ts';
import { loadIdentities } from './identity.ts';
import { execMany, lineWriter, summaryTable } from './multi.ts';

const dir = tempDir('multi');
let server: OurServer;
let identity: string;

beforeAll(async () => {
  await ensureOpenSsh();
  const key = makeUserKey(dir.path, 'id_multi');
  identity = key.path;
  server = await startOurServer(dir.path, [key.publicLine]);
  writeFileSync(join(dir.path, 'known_hosts'), `${server.knownHostsLine}\n`);
}, 300_000);
afterAll(async () => {
  await server?.stop();
  dir.remove();
});

describe('lineWriter', () => {
  it('gives whole lines whatever the chunking, cuts overlong lines, flushes the tail', async () => {
    const text = 'alpha\r\nbeta\n\ngamma-without-newline';
    for (let size = 1; size <= text.length; size += 3) {
      const lines: string[] = [];
      const w = lineWriter((l) => lines.push(l));
      for (let i = 0; i < text.length; i += size) w.write(text.slice(i, i + size));
      await new Promise<void>((resolve) => w.end(resolve));
      expect(lines).toEqual(['alpha', 'beta', '', 'gamma-without-newline']);
    }
    const long: string[] = [];
    const w = lineWriter((l) => long.push(l), 10);
    w.write('x'.repeat(25));
    await new Promise<void>((resolve) => w.end(resolve));
    expect(long.map((l) => l.length)).toEqual([10, 10, 5]);
  });
});

describe('execMany', { timeout: 60_000 }, () => {
  it('times out a slow host and the server ends its command', async () => {
    const lines: string[] = [];
    const target = {
      label: 'slow',
      host: server.host,
      port: server.port,
      username: userInfo().username,
    };
    const fast = { ...target, label: 'fast' };
    const results = await execMany([target], 'echo $$; sleep 30', {
      concurrency: 2,
      timeoutMs: 3000,
      base: {
        knownHostsFile: join(dir.path, 'known_hosts'),
        identities: loadIdentities([identity]),
      },
      onLine: (_t, _s, line) => lines.push(line),
    });
    expect(results[0]!.error?.code).toBe('ERR_TIMEOUT');
    const pid = Number(lines[0]);
    expect(pid).toBeGreaterThan(1);
    expect(await waitUntil(() => !isRunning(pid), 10_000)).toBe(true);
    const ok = await execMany([fast], 'exit 4', {
      concurrency: 1,
      timeoutMs: 30_000,
      base: {
        knownHostsFile: join(dir.path, 'known_hosts'),
        identities: loadIdentities([identity]),
      },
      onLine: () => {},
    });
    expect(ok[0]).toMatchObject({ host: 'fast', exitCode: 4 });
    expect(summaryTable([...results, ...ok])).toMatch(/slow\s+ERR_TIMEOUT[\s\S]*fast\s+4/);
  });
});
