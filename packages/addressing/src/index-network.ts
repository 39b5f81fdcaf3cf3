/** @netlab/addressing/network: CIDR networks, lists of them (access rules), ranges, masks, interfaces and their description. */

export type { Classification } from './classify.ts';
export { describeNetwork, type NetworkDescription } from './describe.ts';
export { AddressError, type AddressErrorCode } from './errors.ts';
export { type InterfaceAddress, listInterfaces } from './interfaces.ts';
export { IPInterface, parseInterface } from './ip-interface.ts';
export { mask32, prefixOfMask32 } from './masks.ts';
export { IPNetwork, type NetworkOptions, parseNetwork } from './network.ts';
export { NetworkList, parseNetworkList } from './network-list.ts';
export { addressExclude, collapse, summarizeRange } from './ranges.ts';
