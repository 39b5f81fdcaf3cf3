/** @netlab/addressing/dns: node:dns with timeouts, MX with its fallback, SRV in RFC 2782 order. */

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
export { AddressError, type AddressErrorCode } from './errors.ts';
