/** Answers the differential test's cases with @netlab/addressing, in the oracle's JSON shape. */
import {
  AddressError,
  addressExclude,
  addressFromBigInt,
  type Classification,
  collapse,
  type IPAddress,
  IPNetwork,
  parseAddress,
  parseInterface,
  parseNetwork,
  summarizeRange,
} from '../src/index.ts';
import type { Case } from './cases.ts';

// Our stable codes and the Python exception each corresponds to.
const PYTHON_ERROR: Record<string, string> = {
  ERR_INVALID_ADDRESS: 'AddressValueError',
  ERR_ADDRESS_OUT_OF_RANGE: 'AddressValueError',
  ERR_INVALID_NETMASK: 'NetmaskValueError',
  ERR_HOST_BITS_SET: 'ValueError',
  ERR_INVALID_ARGUMENT: 'ValueError',
  ERR_VERSION_MISMATCH: 'TypeError',
};

function flags(c: Classification): Record<string, boolean> {
  return {
    is_private: c.private,
    is_global: c.global,
    is_loopback: c.loopback,
    is_link_local: c.linkLocal,
    is_multicast: c.multicast,
    is_reserved: c.reserved,
    is_unspecified: c.unspecified,
    is_site_local: c.siteLocal,
  };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const text = (a: IPAddress) => a.toString();
const cmp = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const net = (t: string) => parseNetwork(t, { strict: false });

function addressInfo(a: IPAddress): unknown {
  const out: Record<string, unknown> = {
    str: a.toString(),
    exploded: a.toExploded(),
    packed: hex(a.toBytes()),
    int: a.toBigInt().toString(),
    version: a.version,
    reverse_pointer: a.reversePointer(),
    flags: flags(a.classify()),
  };
  if (a.version === 6) {
    out.ipv4_mapped = a.ipv4Mapped?.toString() ?? null;
    out.sixtofour = a.sixToFour?.toString() ?? null;
    out.teredo = a.teredo?.map(text) ?? null;
    out.scope_id = a.zone ?? null;
  }
  return out;
}

function networkInfo(n: IPNetwork): unknown {
  const out: Record<string, unknown> = {
    str: n.toString(),
    network_address: text(n.networkAddress),
    broadcast_address: text(n.broadcastAddress),
    netmask: text(n.netmask),
    hostmask: text(n.hostmask),
    prefixlen: n.prefix,
    num_addresses: n.numAddresses.toString(),
    with_netmask: n.withNetmask(),
    with_hostmask: n.withHostmask(),
    flags: flags(n.classify()),
    hosts_head: take(n.hosts(), 3).map(text),
  };
  if (n.numAddresses <= 1024n) {
    const all = [...n.hosts()];
    if (BigInt(all.length) !== n.numHosts)
      throw new Error(`numHosts ${n.numHosts} != ${all.length}`);
    out.hosts_all = all.map(text);
    out.addresses_all = [...n].map(text);
  }
  return out;
}

function take<T>(items: Iterable<T>, count: number): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (out.length === count) break;
    out.push(item);
  }
  return out;
}

function run(op: string, args: unknown[]): unknown {
  const s = args as string[];
  switch (op) {
    case 'address':
      return addressInfo(parseAddress(s[0]!));
    case 'from_int':
      return text(addressFromBigInt(args[0] as 4 | 6, BigInt(s[1]!)));
    case 'add':
      return text(parseAddress(s[0]!).add(BigInt(s[1]!)));
    case 'address_cmp': {
      const [a, b] = [parseAddress(s[0]!), parseAddress(s[1]!)];
      return { eq: a.equals(b), cmp: cmp(a.compare(b)) };
    }
    case 'network':
      return networkInfo(parseNetwork(s[0]!, { strict: args[1] as boolean }));
    case 'interface': {
      const x = parseInterface(s[0]!);
      return {
        str: x.toString(),
        ip: text(x.ip),
        network: x.network.toString(),
        with_prefixlen: x.withPrefixLength(),
        with_netmask: x.withNetmask(),
        with_hostmask: x.withHostmask(),
        flags: flags(x.classify()),
      };
    }
    case 'interface_cmp': {
      const [a, b] = [parseInterface(s[0]!), parseInterface(s[1]!)];
      return { eq: a.equals(b), cmp: cmp(a.compare(b)) };
    }
    case 'contains':
      return net(s[0]!).contains(parseAddress(s[1]!));
    case 'overlaps':
      return net(s[0]!).overlaps(net(s[1]!));
    case 'subnet_of':
      return net(s[0]!).subnetOf(net(s[1]!));
    case 'supernet_of':
      return net(s[0]!).supernetOf(net(s[1]!));
    case 'network_cmp': {
      const [a, b] = [net(s[0]!), net(s[1]!)];
      return { eq: a.equals(b), cmp: cmp(a.compare(b)) };
    }
    case 'subnets':
      return [...net(s[0]!).subnets(args[1] as number)].map(String);
    case 'supernet':
      return net(s[0]!)
        .supernet(args[1] as number)
        .toString();
    case 'exclude':
      return [...addressExclude(net(s[0]!), net(s[1]!))].map(String);
    case 'collapse':
      return collapse(
        (args[0] as string[]).map((t) => (t.includes('/') ? net(t) : parseAddress(t))),
      ).map(String);
    case 'summarize':
      return [...summarizeRange(parseAddress(s[0]!), parseAddress(s[1]!))].map(String);
    default:
      throw new Error(`unknown op ${op}`);
  }
}

/** Our answer to one case, as `{ ok }` or `{ err: PythonExceptionName }`. */
export function answer(c: Case): { ok: unknown } | { err: string } {
  try {
    return { ok: run(c.op, c.args) };
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    const name = PYTHON_ERROR[err.code] ?? err.code;
    return { err: name };
  }
}

export { IPNetwork };
