/** @netlab/addressing/endpoint: host, port and `host:port` parsing; loads no DNS, network or node: module. */

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
