/** @netlab/addressing/address: IPv4 and IPv6 addresses, their text forms and classification. */

export {
  addressFromBigInt,
  addressFromBytes,
  type IPAddress,
  IPv4Address,
  IPv6Address,
  parseAddress,
} from './address.ts';
export type { Classification } from './classify.ts';
export { AddressError, type AddressErrorCode } from './errors.ts';
