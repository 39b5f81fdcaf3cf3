/** Local network interfaces with their addresses and networks (the books' `ip addr`). */
import os from 'node:os';
import { type IPAddress, parseAddress } from './address.ts';
import { IPNetwork } from './network.ts';

/**
 * One address of one interface.
 * @example listInterfaces().find((i) => i.name === 'lo')?.network.toString() // '127.0.0.0/8'
 */
export interface InterfaceAddress {
  /** Interface name (`lo`, `eth0`). */
  name: string;
  /** The address; IPv6 link-local addresses carry the interface as zone (`fe80::1%eth0`). */
  address: IPAddress;
  /** The network the address sits on (`192.168.0.0/24`). */
  network: IPNetwork;
  /** Loopback or otherwise not reachable from outside. */
  internal: boolean;
  /** Hardware address, `00:00:00:00:00:00` when there is none. */
  mac: string;
}

type NodeInterfaces = ReturnType<typeof os.networkInterfaces>;

function prefixOf(netmask: string, cidr: string | null): number {
  if (cidr) return Number(cidr.slice(cidr.lastIndexOf('/') + 1));
  // Node gives cidr null for a non-contiguous mask: keep its leading ones (IPv4 only).
  const mask = parseAddress(netmask);
  return mask.version === 4 ? Math.clz32(~mask.value) : 128;
}

/**
 * Every address of every interface, from `os.networkInterfaces()` (or `source`, for tests),
 * in the order the system lists them. Never throws for what Node reports.
 * @param source interfaces in `os.networkInterfaces()`'s shape; the machine's by default
 * @returns one entry per address
 * @example for (const i of listInterfaces()) console.log(i.name, String(i.network));
 */
export function listInterfaces(
  source: NodeInterfaces = os.networkInterfaces(),
): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const [name, entries] of Object.entries(source)) {
    for (const entry of entries ?? []) {
      const plain = parseAddress(entry.address);
      // RFC 4007: a link-local address means nothing without its link; name the interface.
      const address =
        plain.version === 6 && plain.isLinkLocal ? parseAddress(`${plain}%${name}`) : plain;
      const network = new IPNetwork(plain, prefixOf(entry.netmask, entry.cidr), false);
      out.push({ name, address, network, internal: entry.internal, mac: entry.mac });
    }
  }
  return out;
}
