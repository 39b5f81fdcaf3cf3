/** DNS helpers against a real dnsmasq on 127.0.0.1 (started through @netlab/peers), never the internet. */
import { createSocket } from 'node:dgram';
import { type DnsmasqPeer, startDnsmasq } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupAll, resolveA, resolveAAAA } from './dns.ts';
import { orderSrv, resolveMx, resolvePtr, resolveSrv, resolveTxt } from './dns-records.ts';
import { AddressError } from './errors.ts';

let dns: DnsmasqPeer;
let servers: string[];

beforeAll(async () => {
  dns = await startDnsmasq({
    records: {
      a: [
        ['www.netlab.test', '127.0.0.1'],
        ['dual.netlab.test', '127.0.0.1'],
        ['mx1.netlab.test', '127.0.0.1'],
        ['mx2.netlab.test', '127.0.0.1'],
        ['plain.netlab.test', '127.0.0.1'],
        ['nomail.netlab.test', '127.0.0.1'],
      ],
      aaaa: [
        ['dual.netlab.test', '::1'],
        ['six.netlab.test', '2001:db8::6'],
      ],
      mx: [
        ['netlab.test', 'mx2.netlab.test', 20],
        ['netlab.test', 'mx1.netlab.test', 10],
        ['netlab.test', 'mx0.netlab.test', 20],
        ['nomail.netlab.test', '.', 0], // RFC 7505 null MX: this domain takes no mail
      ],
      srv: [
        ['_imap._tcp.netlab.test', 'mx1.netlab.test', 143, 10, 60],
        ['_imap._tcp.netlab.test', 'mx2.netlab.test', 1143, 10, 40],
        ['_imap._tcp.netlab.test', 'www.netlab.test', 2143, 0, 0],
      ],
      txt: [['netlab.test', 'v=spf1 -all']],
      ptr: [['7.2.0.192.in-addr.arpa', 'ptr.netlab.test']],
    },
  });
  servers = [dns.server];
}, 120_000);

afterAll(async () => {
  await dns?.stop();
});

function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (err) => {
      expect(err).toBeInstanceOf(AddressError);
      return (err as AddressError).code;
    },
  );
}

describe('DNS helpers against dnsmasq', () => {
  it('resolves A and AAAA', async () => {
    expect(await resolveA('www.netlab.test', { servers })).toEqual(['127.0.0.1']);
    expect(await resolveAAAA('six.netlab.test', { servers })).toEqual(['2001:db8::6']);
  });

  it('tells a missing name from a name without that record type', async () => {
    expect(await codeOf(resolveA('missing.netlab.test', { servers }))).toBe('ERR_DNS_NOT_FOUND');
    expect(await codeOf(resolveAAAA('www.netlab.test', { servers }))).toBe('ERR_DNS_NO_DATA');
  });

  it('sorts MX by preference, then name', async () => {
    expect(await resolveMx('netlab.test', { servers })).toEqual([
      { exchange: 'mx1.netlab.test', priority: 10, implicit: false },
      { exchange: 'mx0.netlab.test', priority: 20, implicit: false },
      { exchange: 'mx2.netlab.test', priority: 20, implicit: false },
    ]);
  });

  it('falls back to the address when a name has no MX (RFC 5321 §5.1)', async () => {
    expect(await resolveMx('plain.netlab.test', { servers })).toEqual([
      { exchange: 'plain.netlab.test', priority: 0, implicit: true },
    ]);
    expect(await codeOf(resolveMx('missing.netlab.test', { servers }))).toBe('ERR_DNS_NOT_FOUND');
  });

  it('honours a null MX (RFC 7505) over the address fallback', async () => {
    expect(await resolveMx('nomail.netlab.test', { servers })).toEqual([]);
  });

  it('orders SRV by priority and weight', async () => {
    // Priority 0 first; then weight 40 covers draws up to 40 of 100, weight 60 the rest.
    const heavy = await resolveSrv('_imap._tcp.netlab.test', { servers, random: () => 0.9 });
    expect(heavy.map((r) => r.port)).toEqual([2143, 143, 1143]);
    const light = await resolveSrv('_imap._tcp.netlab.test', { servers, random: () => 0.1 });
    expect(light.map((r) => r.port)).toEqual([2143, 1143, 143]);
  });

  it('joins TXT strings and reads PTR', async () => {
    expect(await resolveTxt('netlab.test', { servers })).toEqual(['v=spf1 -all']);
    expect(await resolvePtr('192.0.2.7', { servers })).toEqual(['ptr.netlab.test']);
    expect(await codeOf(resolvePtr('192.0.2.300', { servers }))).toBe('ERR_INVALID_ADDRESS');
  });

  it('looks up every address like getaddrinfo, IPv6 first', async () => {
    expect(await lookupAll('dual.netlab.test', { servers })).toEqual([
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
    ]);
    expect(await lookupAll('dual.netlab.test', { servers, family: 4 })).toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
    expect(await lookupAll('::1')).toEqual([{ address: '::1', family: 6 }]);
    expect(await codeOf(lookupAll('missing.netlab.test', { servers }))).toBe('ERR_DNS_NOT_FOUND');
  });

  it('uses the system resolver without servers', async () => {
    // /etc/hosts maps localhost to 127.0.0.1 here (ENVIRONMENT.md).
    const found = await lookupAll('localhost');
    expect(found).toContainEqual({ address: '127.0.0.1', family: 4 });
  });

  it('times out on a server that never answers', async () => {
    const silent = createSocket('udp4'); // bound, reads nothing, answers nothing
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const server = `127.0.0.1:${silent.address().port}`;
      const code = await codeOf(
        resolveA('www.netlab.test', { servers: [server], timeout: 200, tries: 1 }),
      );
      expect(code).toBe('ERR_DNS_TIMEOUT');
    } finally {
      silent.close();
    }
  });

  it('refuses a bad server endpoint before asking', async () => {
    expect(await codeOf(resolveA('x.test', { servers: ['127.0.0.1:99999'] }))).toBe(
      'ERR_INVALID_PORT',
    );
    expect(await codeOf(resolveA('x.test', { servers: ['dns.netlab.test:53'] }))).toBe(
      'ERR_INVALID_ADDRESS',
    );
  });
});

describe('orderSrv', () => {
  it('puts zero weights first within a priority and picks by weight', () => {
    const records = [
      { name: 'a', port: 1, priority: 1, weight: 0 },
      { name: 'b', port: 2, priority: 1, weight: 100 },
      { name: 'c', port: 3, priority: 0, weight: 5 },
    ];
    expect(orderSrv(records, () => 0).map((r) => r.name)).toEqual(['c', 'a', 'b']);
    expect(orderSrv(records, () => 0.5).map((r) => r.name)).toEqual(['c', 'b', 'a']);
  });
});
