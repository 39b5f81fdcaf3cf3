/** startBlackHole: a connect to [::1]:port hangs until its timeout instead of being refused. */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startBlackHole } from './black-hole.ts';
import { freePort } from './ports.ts';

/** How a connect ends within `ms`: 'connect', an error code, or 'pending'. */
function outcome(port: number, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '::1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('pending');
    }, ms);
    const end = (what: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(what);
    };
    socket.once('connect', () => end('connect'));
    socket.once('error', (err: NodeJS.ErrnoException) => end(err.code ?? 'error'));
  });
}

describe('startBlackHole', () => {
  it('drops SYNs to [::1]:port while it runs; the port is refused again after stop()', async () => {
    const port = await freePort();
    const hole = await startBlackHole(port);
    expect(await outcome(port, 500)).toBe('pending');
    await hole.stop();
    expect(await outcome(port, 2000)).toBe('ECONNREFUSED');
  });
});
