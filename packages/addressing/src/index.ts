/** @netlab/addressing: IP addresses, networks, endpoints, DNS and interfaces. */

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
