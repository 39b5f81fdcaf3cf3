/** Free loopback ports and a TCP connect probe. */
import { connect, createServer } from 'node:net';

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
