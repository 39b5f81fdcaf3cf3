/** describeNetwork: everything ipcalc says about an address or network, as data and as text. */
import type { IPAddress } from './address.ts';
import { parseAddress } from './address.ts';
import type { Classification } from './classify.ts';
import { IPNetwork } from './network.ts';

/**
 * What `netlab-ip ADDRESS[/PREFIX]` reports; integers as decimal strings (they can pass 2^53).
 * @example describeNetwork('10.0.0.0/30').numHosts // '2'
 */
export interface NetworkDescription {
  address: string;
  version: 4 | 6;
  network: string;
  prefix: number;
  netmask: string;
  hostmask: string;
  broadcast: string;
  firstHost: string;
  lastHost: string;
  numHosts: string;
  numAddresses: string;
  classification: string[];
  reversePointer: string;
  ipv4Mapped?: string;
  sixToFour?: string;
  teredo?: { server: string; client: string };
}

const FLAG_NAMES: [keyof Classification, string][] = [
  ['global', 'global'],
  ['private', 'private'],
  ['loopback', 'loopback'],
  ['linkLocal', 'link-local'],
  ['siteLocal', 'site-local'],
  ['multicast', 'multicast'],
  ['reserved', 'reserved'],
  ['unspecified', 'unspecified'],
];

/** The names of the flags that hold, e.g. `['private', 'loopback']`. */
export function flagNames(c: Classification): string[] {
  const names = FLAG_NAMES.filter(([key]) => c[key]).map(([, name]) => name);
  // 100.64.0.0/10 (RFC 6598 shared address space) is neither private nor global.
  return names.length > 0 ? names : ['shared (neither private nor global)'];
}

/**
 * Describes `address/prefix` (host bits allowed: `192.168.0.186/24`), or a bare address
 * as its own /32 or /128.
 * @param text `address/prefix`, `address/netmask` or a bare address
 * @returns what ipcalc would print, as data
 * @throws {AddressError} `ERR_INVALID_ADDRESS` or `ERR_INVALID_NETMASK`
 * @example describeNetwork('192.168.0.186/24').broadcast // '192.168.0.255'
 */
export function describeNetwork(text: string): NetworkDescription {
  const slash = text.indexOf('/');
  const address: IPAddress = parseAddress(slash < 0 ? text : text.slice(0, slash));
  const network = IPNetwork.parse(text, { strict: false });
  const [first, last] = network.hostRange();
  const host = (v: bigint) => String(network.networkAddress.add(v - network.first));
  const out: NetworkDescription = {
    address: String(address),
    version: address.version,
    network: String(network),
    prefix: network.prefix,
    netmask: String(network.netmask),
    hostmask: String(network.hostmask),
    broadcast: String(network.broadcastAddress),
    firstHost: host(first),
    lastHost: host(last),
    numHosts: String(network.numHosts),
    numAddresses: String(network.numAddresses),
    classification: flagNames(slash < 0 ? address.classify() : network.classify()),
    reversePointer: address.reversePointer(),
  };
  if (address.version === 6) {
    if (address.ipv4Mapped) out.ipv4Mapped = String(address.ipv4Mapped);
    if (address.sixToFour) out.sixToFour = String(address.sixToFour);
    if (address.teredo)
      out.teredo = { server: String(address.teredo[0]), client: String(address.teredo[1]) };
  }
  return out;
}

/** The description as aligned `Label: value` lines. */
export function renderDescription(d: NetworkDescription): string {
  const rows: [string, string][] = [
    ['Address', d.address],
    ['Network', d.network],
    ['Netmask', `${d.netmask} = ${d.prefix}`],
    ['Hostmask', d.hostmask],
    [d.version === 4 ? 'Broadcast' : 'Last', d.broadcast],
    ['Hosts', `${d.firstHost} - ${d.lastHost} (${d.numHosts})`],
    ['Addresses', d.numAddresses],
    ['Class', d.classification.join(', ')],
    ['Reverse', d.reversePointer],
  ];
  if (d.ipv4Mapped) rows.push(['IPv4-mapped', d.ipv4Mapped]);
  if (d.sixToFour) rows.push(['6to4', d.sixToFour]);
  if (d.teredo) rows.push(['Teredo', `server ${d.teredo.server}, client ${d.teredo.client}`]);
  return rows.map(([label, value]) => `${`${label}:`.padEnd(12)}${value}`).join('\n');
}
