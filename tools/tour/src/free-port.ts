/** A port free on 127.0.0.1 for both TCP and UDP right now, for a session's server to take. */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * Finds a port nobody listens on over TCP or UDP on 127.0.0.1. Another process could take it
 * before the session's server does; the port range the kernel hands out is wide enough that
 * this is rare, and the session then fails with the server's own EADDRINUSE.
 *
 * @param avoid Ports already picked for the same session.
 * @returns The port.
 */
export async function freePort(avoid: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await tcpPort();
    if (!avoid.includes(port) && (await udpFree(port))) return port;
  }
  throw new Error('no port free for both TCP and UDP after 20 tries');
}

function tcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}
