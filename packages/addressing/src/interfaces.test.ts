/** Tests for listInterfaces: this machine's real interfaces, and fixed ones for the edge cases. */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { listInterfaces } from './interfaces.ts';

describe('listInterfaces', () => {
  it('lists this machine, loopback included, each address inside its network', () => {
    const found = listInterfaces();
    expect(found.length).toBe(Object.values(os.networkInterfaces()).flat().length);
    const loopback = found.find((i) => String(i.address) === '127.0.0.1');
    expect(loopback?.internal).toBe(true);
    expect(loopback?.network.prefix).toBeGreaterThanOrEqual(8);
    for (const i of found) expect(i.network.contains(i.address)).toBe(true);
  });

  it('derives networks and zones from what Node reports', () => {
    const found = listInterfaces({
      eth0: [
        {
          address: '192.168.0.186',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '02:42:ac:11:00:02',
          internal: false,
          cidr: '192.168.0.186/24',
        },
        {
          address: 'fe80::42:acff:fe11:2',
          netmask: 'ffff:ffff:ffff:ffff::',
          family: 'IPv6',
          mac: '02:42:ac:11:00:02',
          internal: false,
          cidr: 'fe80::42:acff:fe11:2/64',
          scopeid: 2,
        },
        {
          address: '10.1.2.3',
          netmask: '255.0.255.0',
          family: 'IPv4',
          mac: '02:42:ac:11:00:02',
          internal: false,
          cidr: null,
        },
      ],
    });
    expect(found.map((i) => [String(i.address), String(i.network)])).toEqual([
      ['192.168.0.186', '192.168.0.0/24'],
      ['fe80::42:acff:fe11:2%eth0', 'fe80::/64'],
      ['10.1.2.3', '10.0.0.0/8'], // non-contiguous 255.0.255.0: its leading ones
    ]);
  });
});
