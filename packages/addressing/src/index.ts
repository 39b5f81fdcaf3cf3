/** @netlab/addressing: IP addresses, networks, endpoints, DNS and interfaces. */

export {
  addressFromBigInt,
  addressFromBytes,
  type IPAddress,
  IPv4Address,
  IPv6Address,
  parseAddress,
} from './address.ts';
export type { Classification } from './classify.ts';
export { type ConnectOptions, connectTcp } from './connect.ts';
export { describeNetwork, type NetworkDescription } from './describe.ts';
export {
  createResolver,
  type DnsOptions,
  type LookupAddress,
  lookupAll,
  type MxRecord,
  orderSrv,
  resolveA,
  resolveAAAA,
  resolveMx,
  resolvePtr,
  resolveSrv,
  resolveTxt,
  type SrvRecord,
} from './dns.ts';
export {
  type Endpoint,
  type EndpointOptions,
  formatEndpoint,
  type Host,
  type HostFamily,
  parseEndpoint,
  parseHost,
  parsePort,
} from './endpoint.ts';
export { AddressError, type AddressErrorCode } from './errors.ts';
export { isHostname } from './hostname.ts';
export { type InterfaceAddress, listInterfaces } from './interfaces.ts';
export { IPInterface, parseInterface } from './ip-interface.ts';
export { mask32, prefixOfMask32 } from './masks.ts';
export { IPNetwork, type NetworkOptions, parseNetwork } from './network.ts';
export { endpointOf, toBlockList, toSocketAddress } from './node-net.ts';
export { addressExclude, collapse, summarizeRange } from './ranges.ts';
