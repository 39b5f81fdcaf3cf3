/** startDaemon's failure paths: early exit, port taken, no answer in time; the port-race retry. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startDaemon } from './daemon.ts';
import { PeerError } from './errors.ts';
import { freePort, withFreshPorts } from './ports.ts';
import { isAlive } from './test-helpers.ts';

describe('startDaemon', { timeout: 30_000 }, () => {
  it('reports a daemon that exits during start with its last output', async () => {
    const port = await freePort();
    const start = startDaemon({
      name: 'failing',
      command: '/bin/sh',
      args: ['-c', 'echo "config line 3: bad value" >&2; exit 3'],
      ports: [port],
    });
    await expect(start).rejects.toMatchObject({
      code: 'ERR_PEER_START_FAILED',
      message: expect.stringContaining('config line 3: bad value'),
    });
  });

  it('says ERR_PEER_PORT_IN_USE when a real daemon finds its port taken', async () => {
    const holder = createServer();
    const port = await new Promise<number>((resolve) =>
      holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)),
    );
    try {
      const start = startDaemon({
        name: 'redis',
        command: 'redis-server',
        args: ['--port', String(port), '--bind', '127.0.0.1', '--save', ''],
        ports: [port],
      });
      await expect(start).rejects.toMatchObject({ code: 'ERR_PEER_PORT_IN_USE' });
    } finally {
      holder.close();
    }
  });

  it('gives up after timeoutMs when the port never opens, and kills the process', async () => {
    const port = await freePort();
    const start = startDaemon({
      name: 'silent',
      command: '/bin/sh',
      args: ['-c', 'echo $$; exec sleep 60'],
      ports: [port],
      timeoutMs: 500,
    });
    const err = await start.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_PEER_START_TIMEOUT' });
    // The message ends with the daemon's output: the pid the shell printed before exec.
    const pid = Number((err as Error).message.split('\n').at(-1));
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
  });
});

describe('withFreshPorts', () => {
  it('retries with new ports when the attempt lost the race, and not for other errors', async () => {
    const seen: number[][] = [];
    const result = await withFreshPorts(2, async (ports) => {
      seen.push(ports);
      if (seen.length === 1) throw new PeerError('ERR_PEER_PORT_IN_USE', 'taken');
      return 'started';
    });
    expect(result).toBe('started');
    expect(seen).toHaveLength(2);
    const other = withFreshPorts(1, async () => {
      throw new PeerError('ERR_PEER_START_FAILED', 'broken config');
    });
    await expect(other).rejects.toMatchObject({ code: 'ERR_PEER_START_FAILED' });
  });
});
