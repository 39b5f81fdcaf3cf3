/** startBlackHole: an IPv6 address on loopback that drops SYNs, as a firewalled host does. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

/**
 * Holds [::1]:port with a listener that never accepts and a backlog of 0. Once one connection
 * waits in its accept queue, Linux drops every further SYN (a full queue is not answered with
 * a reset), so a connect there hangs as to a firewalled host, where a port nobody listens on
 * would be refused at once and prove nothing. Node's net.Server always accepts, hence Python.
 */
const NEVER_ACCEPTS = `
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(('::1', int(sys.argv[1])))
s.listen(0)
print('listening', flush=True)
sys.stdin.read()
`;

export interface BlackHole {
  /** Lets the port go: the queued connection closes and Python exits. */
  stop(): Promise<void>;
}

/**
 * Makes [::1]:`port` drop SYNs (the same port number may be open on 127.0.0.1, which is the
 * point: a dual-stack name whose IPv6 address never answers). Nothing leaves the machine.
 * @param port The port to hold on ::1.
 */
export async function startBlackHole(port: number): Promise<BlackHole> {
  const python = spawn('/usr/bin/python3', ['-c', NEVER_ACCEPTS, String(port)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  python.stdin.on('error', () => {}); // it may be gone before stop() closes its input
  await once(python.stdout, 'data');
  // The first filler takes the one queue place; the second's SYNs are dropped from then on.
  const fillers = [0, 1].map(() => {
    const filler = net.connect({ host: '::1', port });
    filler.on('error', () => {});
    return filler;
  });
  await once(fillers[0]!, 'connect');
  return {
    async stop() {
      for (const filler of fillers) filler.destroy();
      if (python.exitCode !== null || python.signalCode !== null) return;
      const exited = once(python, 'exit');
      python.stdin.end(); // Python reads its input to the end, then exits
      await exited;
    },
  };
}
