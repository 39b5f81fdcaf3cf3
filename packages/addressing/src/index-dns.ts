/** @netlab/addressing/dns: node:dns with timeouts, MX with its fallback, SRV in RFC 2782 order. */

export {
  createResolver,
  type DnsOptions,
  type LookupAddress,
  lookupAll,
  resolveA,
  resolveAAAA,
} from './dns.ts';
export {
  type MxRecord,
  orderSrv,
  resolveMx,
  resolvePtr,
  resolveSrv,
  resolveTxt,
  type SrvRecord,
} from './dns-records.ts';
export { AddressError, type AddressErrorCode } from './errors.ts';
