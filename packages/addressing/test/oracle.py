"""Oracle for the differential test: reads JSON cases on stdin, answers with Python's ipaddress.

One JSON object per line in, one per line out: {"ok": value} or {"err": "ExceptionClass"}.
Python 3.11 prints IPv4-mapped IPv6 as '::ffff:102:304'; RFC 5952 section 5 (and Python 3.13)
prints '::ffff:1.2.3.4', which is what @netlab/addressing does, so str() is normalised here.
"""
import ipaddress
import itertools
import json
import sys

FLAGS = ['is_private', 'is_global', 'is_loopback', 'is_link_local', 'is_multicast',
         'is_reserved', 'is_unspecified', 'is_site_local']


def text(a):
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped is not None:
        s = '::ffff:%s' % a.ipv4_mapped
        return s + '%' + a.scope_id if a.scope_id else s
    return str(a)


def net_text(n):
    return '%s/%d' % (text(n.network_address), n.prefixlen)


def flags(x):
    return {f: bool(getattr(x, f, False)) for f in FLAGS}


def iflags(x):
    # 3.11's IPv4Interface.is_unspecified is always False: it compares the interface with an
    # address, and interface == address is False. We use IPv6Interface's rule for both
    # versions (address and network unspecified), computed here from Python's own flags.
    out = flags(x)
    if x.version == 4:
        out['is_unspecified'] = x.ip.is_unspecified and x.network.is_unspecified
    return out


def addr_info(a):
    # exploded and reverse_pointer raise on a scoped address in 3.11: ask the unscoped one.
    bare = type(a)(int(a))
    scope = '%' + a.scope_id if getattr(a, 'scope_id', None) else ''
    out = {'str': text(a), 'exploded': bare.exploded + scope, 'packed': a.packed.hex(),
           'int': str(int(a)), 'version': a.version, 'reverse_pointer': bare.reverse_pointer,
           'flags': flags(a)}
    if a.version == 6:
        out['ipv4_mapped'] = a.ipv4_mapped and str(a.ipv4_mapped)
        out['sixtofour'] = a.sixtofour and str(a.sixtofour)
        out['teredo'] = a.teredo and [str(x) for x in a.teredo]
        out['scope_id'] = a.scope_id
    return out


def net_info(n):
    out = {'str': net_text(n), 'network_address': text(n.network_address),
           'broadcast_address': text(n.broadcast_address), 'netmask': text(n.netmask),
           'hostmask': text(n.hostmask), 'prefixlen': n.prefixlen,
           'num_addresses': str(n.num_addresses),
           'with_netmask': '%s/%s' % (text(n.network_address), text(n.netmask)),
           'with_hostmask': '%s/%s' % (text(n.network_address), text(n.hostmask)),
           'flags': flags(n), 'hosts_head': [text(h) for h in itertools.islice(n.hosts(), 3)]}
    if n.num_addresses <= 1024:
        hosts = list(n.hosts())
        out['hosts_all'] = [text(h) for h in hosts]
        out['addresses_all'] = [text(a) for a in n]
    return out


def cmp(a, b):
    return (a > b) - (a < b)


def addr(t):
    # ip_address() hides which error it was behind a plain ValueError; a text with a colon
    # can only be IPv6 and one without only IPv4, so ask the class directly.
    return (ipaddress.IPv6Address if ':' in t else ipaddress.IPv4Address)(t)


def net(t, strict=False):
    cls = ipaddress.IPv6Network if ':' in t.split('/')[0] else ipaddress.IPv4Network
    return cls(t, strict=strict)


def same_outcome(generic, specific, t, *rest):
    """Checks that ip_address/ip_network accept exactly what the class we asked accepts."""
    outcomes = []
    for fn in (generic, specific):
        try:
            fn(t, *rest)
            outcomes.append(True)
        except ValueError:
            outcomes.append(False)
    if outcomes[0] != outcomes[1]:
        raise RuntimeError('oracle inconsistent for %r' % t)


def run(op, args):
    if op == 'address':
        same_outcome(ipaddress.ip_address, addr, args[0])
        return addr_info(addr(args[0]))
    if op == 'from_int':
        cls = ipaddress.IPv4Address if args[0] == 4 else ipaddress.IPv6Address
        return text(cls(int(args[1])))
    if op == 'add':
        return text(addr(args[0]) + int(args[1]))
    if op == 'address_cmp':
        a, b = addr(args[0]), addr(args[1])
        # Python 3.11 says both a > b and b > a when only the zone differs (total_ordering on
        # an __eq__ that sees zones and an __lt__ that does not); we order by value alone.
        return {'eq': a == b, 'cmp': cmp(type(a)(int(a)), type(b)(int(b)))}
    if op == 'network':
        same_outcome(ipaddress.ip_network, net, args[0], args[1])
        return net_info(net(args[0], args[1]))
    if op == 'interface':
        t = args[0]
        cls = ipaddress.IPv6Interface if ':' in t.split('/')[0] else ipaddress.IPv4Interface
        same_outcome(ipaddress.ip_interface, cls, t)
        x = cls(t)
        scope = '%' + x.scope_id if getattr(x, 'scope_id', None) else ''
        return {'str': '%s%s/%d' % (text(x.ip), scope, x.network.prefixlen), 'ip': text(x.ip),
                'network': net_text(x.network), 'with_prefixlen': '%s/%d' % (text(x.ip), x.network.prefixlen),
                'with_netmask': '%s/%s' % (text(x.ip), text(x.netmask)),
                'with_hostmask': '%s/%s' % (text(x.ip), text(x.hostmask)), 'flags': iflags(x)}
    if op == 'interface_cmp':
        a, b = [(ipaddress.IPv6Interface if ':' in t.split('/')[0] else ipaddress.IPv4Interface)(t)
                for t in args]
        return {'eq': a == b, 'cmp': cmp(a, b)}
    if op == 'contains':
        return addr(args[1]) in net(args[0])
    if op == 'overlaps':
        return net(args[0]).overlaps(net(args[1]))
    if op == 'subnet_of':
        return net(args[0]).subnet_of(net(args[1]))
    if op == 'supernet_of':
        return net(args[0]).supernet_of(net(args[1]))
    if op == 'network_cmp':
        a, b = net(args[0]), net(args[1])
        return {'eq': a == b, 'cmp': cmp(a, b)}
    if op == 'subnets':
        return [net_text(s) for s in net(args[0]).subnets(new_prefix=args[1])]
    if op == 'supernet':
        return net_text(net(args[0]).supernet(new_prefix=args[1]))
    if op == 'exclude':
        return [net_text(s) for s in net(args[0]).address_exclude(net(args[1]))]
    if op == 'collapse':
        items = [net(t) if '/' in t else addr(t) for t in args[0]]
        return [net_text(s) for s in ipaddress.collapse_addresses(items)]
    if op == 'summarize':
        first, last = addr(args[0]), addr(args[1])
        return [net_text(s) for s in ipaddress.summarize_address_range(first, last)]
    raise KeyError(op)


for line in sys.stdin:
    case = json.loads(line)
    try:
        answer = {'ok': run(case['op'], case['args'])}
    except (ValueError, TypeError) as exc:
        answer = {'err': type(exc).__name__}
    except AssertionError as exc:
        # 3.11's address_exclude trips its own assertion on zoned networks: no answer to check.
        answer = {'skip': str(exc)}
    sys.stdout.write(json.dumps(answer) + '\n')
sys.stdout.flush()
