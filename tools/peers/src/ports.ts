/** Free loopback ports, the retry that handles losing one in a race, a TCP connect probe. */
import { connect, createServer } from 'node:net';
import { PeerError } from './errors.ts';
import { debug } from './log.ts';

/** The loopback address every peer binds to. */
export const HOST = '127.0.0.1';

/**
 * Picks a free TCP port on 127.0.0.1 by binding port 0, reading it and closing.
 * Racy by nature: another process may take the port before the daemon binds it, so every
 * start function retries with fresh ports when the daemon reports the address in use.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Resolves true when a TCP connection to HOST:port opens, false when it is refused. */
export function canConnect(port: number, host = HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Runs `attempt` with `count` fresh free ports, again with new ports (up to 4 tries) when the
 * daemon lost the race for one of them.
 */
export async function withFreshPorts<T>(
  count: number,
  attempt: (ports: number[]) => Promise<T>,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    const ports = await freePorts(count);
    try {
      return await attempt(ports);
    } catch (err) {
      if (!(err instanceof PeerError && err.code === 'ERR_PEER_PORT_IN_USE') || tries >= 4) {
        throw err;
      }
      debug('port race lost on %o, retrying', ports);
    }
  }
}
