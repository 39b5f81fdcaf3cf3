/** Bridges to node:net built-ins: SocketAddress for endpoints, BlockList for networks, AddressInfo back. */
import net from 'node:net';
import { type Endpoint, parseHost, parsePort } from './endpoint.ts';
import { AddressError } from './errors.ts';
import type { IPNetwork } from './network.ts';

/**
 * A `net.SocketAddress` for an IP endpoint (Node's own checked address type, accepted by
 * `dgram` and by `BlockList.check`). Node's SocketAddress has no zone, so a zone is dropped.
 * @param endpoint an endpoint whose host is an IP address
 * @returns the SocketAddress
 * @throws {AddressError} `ERR_INVALID_ARGUMENT` for a host name: resolve it first
 * @example toSocketAddress(parseEndpoint('[::1]:4040')).family // 'ipv6'
 */
export function toSocketAddress(endpoint: Endpoint): net.SocketAddress {
  if (endpoint.family === 'hostname') {
    throw new AddressError(
      'ERR_INVALID_ARGUMENT',
      `${endpoint.host} is a host name; a SocketAddress needs an IP address (use lookupAll first)`,
    );
  }
  return new net.SocketAddress({
    address: endpoint.host,
    port: endpoint.port,
    family: endpoint.family,
  });
}

/**
 * A `net.BlockList` holding `networks`, for code that already takes one; the rule check
 * runs in C++ but parses the address text on each call, so for many checks against a
 * few networks `IPNetwork.contains` on parsed addresses is faster (see BENCH.md).
 * @param networks the networks to add (a zone on an IPv6 network address is dropped)
 * @param list a list to add to; a new one by default
 * @returns `list`, with one subnet rule per network
 * @example toBlockList([parseNetwork('10.0.0.0/8')]).check('10.1.2.3') // true
 */
export function toBlockList(
  networks: Iterable<IPNetwork>,
  list = new net.BlockList(),
): net.BlockList {
  for (const n of networks) {
    list.addSubnet(
      String(n.networkAddress.version === 6 ? n.networkAddress.withoutZone() : n.networkAddress),
      n.prefix,
      n.version === 4 ? 'ipv4' : 'ipv6',
    );
  }
  return list;
}

/**
 * The endpoint of a socket's address as Node reports it (`socket.address()`,
 * `{ address: socket.remoteAddress, port: socket.remotePort }`, a `net.SocketAddress`).
 * @param info an object with the `address` and `port` Node reported
 * @returns the endpoint, IPv6 in RFC 5952 form with its zone split off
 * @throws {AddressError} `ERR_INVALID_ADDRESS` or `ERR_INVALID_PORT` (e.g. a socket that is not connected)
 * @example endpointOf({ address: socket.remoteAddress, port: socket.remotePort })
 */
export function endpointOf(info: {
  address?: string | undefined;
  port?: number | undefined;
}): Endpoint {
  if (info.address === undefined || info.port === undefined) {
    throw new AddressError(
      'ERR_INVALID_ADDRESS',
      'no address: the socket is not connected or was closed',
    );
  }
  return { ...parseHost(info.address), port: parsePort(info.port) };
}
