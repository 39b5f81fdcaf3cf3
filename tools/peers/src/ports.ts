/** Free loopback ports, and which TCP ports a given process is listening on (Linux /proc). */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
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

/** Socket inodes of TCP sockets in LISTEN state, by local port, from /proc/net/tcp{,6}. */
function listeningInodes(): Map<string, number> {
  const byInode = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st ... inode (index 9); st 0A = LISTEN
      if (cols.length < 10 || cols[3] !== '0A') continue;
      const port = Number.parseInt(cols[1]!.split(':')[1]!, 16);
      byInode.set(cols[9]!, port);
    }
  }
  return byInode;
}

/**
 * TCP ports that process `pid` itself holds open in LISTEN state, or undefined where /proc
 * cannot tell (not Linux). This proves that the daemon WE started owns the port, not some
 * other process that grabbed the same number in the free-port race.
 */
export function listeningPortsOf(pid: number): Set<number> | undefined {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  const inodes = listeningInodes();
  const ports = new Set<number>();
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const match = /^socket:\[(\d+)\]$/.exec(target);
    const port = match ? inodes.get(match[1]!) : undefined;
    if (port !== undefined) ports.add(port);
  }
  return ports;
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
