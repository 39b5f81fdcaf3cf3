/** Source address policy: the client's address as one IP version (for from=), and the server's --allow networks. */
import { type IPAddress, parseAddress } from '@netlab/addressing/address';
import { AddressError, type NetworkList, parseNetworkList } from '@netlab/addressing/network';
import { UsageError } from '@netlab/cli';

/**
 * The peer's address as the policy sees it. A dual-stack listener (`::`) reports IPv4 peers as
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2); sshd unmaps them before matching
 * (ipv64_normalise_mapped), and so do we, so IPv4 rules match IPv4 peers however they came in.
 * Undefined for text that is no address (never seen from a real socket).
 */
export function peerAddress(ip: string | undefined): IPAddress | undefined {
  if (ip === undefined) return undefined;
  try {
    const address = parseAddress(ip);
    return address.version === 6 ? (address.ipv4Mapped ?? address) : address;
  } catch {
    return undefined;
  }
}

/**
 * Every `--allow` value, parsed at once: each an address (its /32 or /128) or a CIDR network,
 * IPv4 or IPv6. Host bits set (`10.0.0.1/8`) are a usage error rather than silently widened:
 * the operator probably meant something else (strict, as @netlab/addressing's list parser is).
 * @throws {UsageError} ERR_USAGE (exit 2) naming the first bad value
 */
export function parseAllow(values: readonly string[]): NetworkList {
  try {
    return parseNetworkList(values, { strict: true });
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    throw new UsageError(`--allow ${JSON.stringify(err.input)}: ${err.message}`, { cause: err });
  }
}

/** Connections refused by --allow: counted, and logged first and every 100th (a bounded rate). */
export class SourcePolicy {
  refusedCount = 0;
  constructor(private readonly networks: NetworkList | undefined) {}

  /**
   * No --allow at all admits everyone: the default policy is the listen address. An IPv4 peer
   * of a dual-stack listener (`::`) arrives as `::ffff:192.0.2.1` (RFC 4291 §2.5.5.2); the list
   * matches an IPv4 host in either spelling, so `192.0.2.0/24` and `::ffff:192.0.2.0/120`
   * admit it however it came in.
   */
  allows(ip: string | undefined): boolean {
    if (this.networks === undefined || this.networks.size === 0) return true;
    return ip !== undefined && this.networks.includes(ip);
  }

  /** Counts a refusal; true when this one should be logged. */
  refused(): boolean {
    this.refusedCount++;
    return this.refusedCount === 1 || this.refusedCount % 100 === 0;
  }
}
