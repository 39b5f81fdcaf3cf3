/** Tests for the node:net bridges, on real loopback sockets. */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseAddress } from './address.ts';
import { formatEndpoint, parseEndpoint } from './endpoint.ts';
import { AddressError } from './errors.ts';
import { parseNetwork } from './network.ts';
import { endpointOf, toBlockList, toSocketAddress } from './node-net.ts';

describe('node:net bridges', () => {
  it('makes SocketAddresses from IP endpoints only', () => {
    const sa = toSocketAddress(parseEndpoint('[2001:DB8::1]:4040'));
    expect([sa.address, sa.port, sa.family]).toEqual(['2001:db8::1', 4040, 'ipv6']);
    expect(() => toSocketAddress(parseEndpoint('example.test:1'))).toThrow(AddressError);
  });

  it('fills a BlockList that agrees with IPNetwork.contains', () => {
    const nets = ['10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32', 'fe80::%eth0/10'].map((t) =>
      parseNetwork(t),
    );
    const list = toBlockList(nets);
    for (const text of [
      '10.9.9.9',
      '11.0.0.0',
      '192.168.1.255',
      '192.168.2.0',
      '2001:db8::1',
      '2001:db9::',
      'fe80::1',
    ]) {
      const a = parseAddress(text);
      expect(list.check(text, a.version === 4 ? 'ipv4' : 'ipv6')).toBe(
        nets.some((n) => n.contains(a)),
      );
    }
  });

  it('reads the endpoints of a real connection', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    try {
      const local = endpointOf(server.address() as net.AddressInfo);
      expect(local.family).toBe('ipv6');
      const socket = net.connect({ host: '::1', port: local.port });
      await new Promise((resolve) => socket.once('connect', resolve));
      expect(
        formatEndpoint(endpointOf({ address: socket.remoteAddress, port: socket.remotePort })),
      ).toBe(`[::1]:${local.port}`);
      socket.destroy();
      const unconnected = new net.Socket();
      expect(() =>
        endpointOf({ address: unconnected.remoteAddress, port: unconnected.remotePort }),
      ).toThrow(AddressError);
    } finally {
      server.close();
    }
  });
});
