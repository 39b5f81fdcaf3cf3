/** @netlab/addressing/node-net: endpoints and networks to and from node:net's SocketAddress and BlockList. */

export { AddressError, type AddressErrorCode } from './errors.ts';
export { endpointOf, toBlockList, toSocketAddress } from './node-net.ts';
