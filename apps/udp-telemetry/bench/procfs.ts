/** Kernel-side facts for the bench: a UDP socket's drops and queue (a process's CPU time is @netlab/peers' processUsage). */
import { readFileSync } from 'node:fs';

/** Drops and bytes waiting in the receive queue of the IPv4 UDP socket bound to `port`. */
export function udpSocket(port: number): { drops: number; rxQueue: number } | undefined {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (!cols[1]?.endsWith(hexPort)) continue;
    // cols[4] is tx_queue:rx_queue in hex bytes; the last column counts drops.
    const rxQueue = Number.parseInt(cols[4]?.split(':')[1] ?? '0', 16);
    return { drops: Number(cols[cols.length - 1]), rxQueue };
  }
  return undefined;
}
