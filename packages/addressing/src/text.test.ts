/** Property tests for the text codecs: round trips, RFC 5952 against inet_ntop, no crash on any input. */
import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IPv4Address, IPv6Address, parseAddress } from './address.ts';
import { formatEndpoint, parseEndpoint } from './endpoint.ts';
import { AddressError } from './errors.ts';
import { formatIPv4, ipv4Value } from './ipv4-text.ts';
import { formatIPv6, ipv6Words } from './ipv6-text.ts';
import { parseNetwork } from './network.ts';

// Words biased towards zero, so every shape of zero run turns up.
const word = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
const words = fc.array(word, { minLength: 8, maxLength: 8 });

function onlyAddressErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    expect(err.message).not.toContain('\n');
  }
}

describe('IPv4 text', () => {
  it('round-trips every uint32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        expect(ipv4Value(formatIPv4(v))).toBe(v);
      }),
    );
  });
  it('agrees with node:net isIPv4 on arbitrary dotted text', () => {
    const part = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map(String),
      fc.constantFrom('', '00', '01', 'a', '-1'),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.join('.');
        expect(ipv4Value(text) >= 0).toBe(net.isIPv4(text));
      }),
    );
  });
});

describe('IPv6 text', () => {
  it('round-trips every address through RFC 5952 text', () => {
    const out = new Uint16Array(8);
    fc.assert(
      fc.property(words, (ws) => {
        expect(ipv6Words(formatIPv6(ws), out)).toBe(true);
        expect([...out]).toEqual(ws);
      }),
    );
  });
  it('formats as inet_ntop does (net.SocketAddress), outside the deprecated ::/96', () => {
    fc.assert(
      fc.property(words, (ws) => {
        fc.pre(ws.slice(0, 6).some((w) => w !== 0) || (ws[6] === 0 && ws[7]! <= 1));
        const text = ws.map((w) => w.toString(16)).join(':');
        const ntop = new net.SocketAddress({ address: text, family: 'ipv6' }).address;
        expect(formatIPv6(ws)).toBe(ntop);
      }),
      { numRuns: 2000 },
    );
  });
  it('reads every spelling: upper case, leading zeros, any zero run compressed', () => {
    fc.assert(
      fc.property(words, fc.integer({ min: 0, max: 7 }), fc.boolean(), (ws, at, upper) => {
        let groups = ws.map((w) => w.toString(16).padStart(4, '0'));
        if (upper) groups = groups.map((g) => g.toUpperCase());
        let text = groups.join(':');
        if (ws[at] === 0) {
          let end = at;
          while (end < 8 && ws[end] === 0) end++;
          text = `${groups.slice(0, at).join(':')}::${groups.slice(end).join(':')}`;
        }
        expect(IPv6Address.parse(text).toString()).toBe(formatIPv6(ws));
      }),
    );
  });
});

describe('parsers never crash', () => {
  const alphabet = fc.constantFrom(...'0123456789abcdefABCDEF.:%/[]- xg_'.split(''));
  const texts = fc.oneof(
    fc.string(),
    fc.array(alphabet, { maxLength: 50 }).map((cs) => cs.join('')),
  );
  it('throw only AddressError, one line, on any text', () => {
    fc.assert(
      fc.property(texts, (text) => {
        onlyAddressErrors(() => parseAddress(text));
        onlyAddressErrors(() => parseNetwork(text, { strict: false }));
        onlyAddressErrors(() => parseEndpoint(text, { defaultPort: 1, defaultHost: '127.0.0.1' }));
      }),
      { numRuns: 3000 },
    );
  });
  it('parseEndpoint round-trips through formatEndpoint', () => {
    const host = fc.oneof(
      fc.integer({ min: 0, max: 0xffffffff }).map((v) => new IPv4Address(v).toString()),
      words.map((ws) => formatIPv6(ws)),
      fc.constantFrom('example.test', 'a-b.c1', 'x'),
    );
    fc.assert(
      fc.property(
        host,
        fc.integer({ min: 0, max: 65535 }),
        fc.option(fc.constantFrom('eth0', '7')),
        (h, port, zone) => {
          const family = h.includes(':') ? 'ipv6' : /^[0-9.]+$/.test(h) ? 'ipv4' : 'hostname';
          const endpoint = {
            host: h,
            port,
            family,
            ...(zone && family === 'ipv6' ? { zone } : {}),
          } as const;
          expect(parseEndpoint(formatEndpoint(endpoint))).toEqual(endpoint);
        },
      ),
    );
  });
});

describe('classification getters', () => {
  it('agree with classify() (which the Python oracle checks) for any address', () => {
    const v4 = fc.integer({ min: 0, max: 0xffffffff }).map((v) => new IPv4Address(v));
    const v6 = fc
      .tuple(fc.constantFrom(0, 0xfe80, 0xfec0, 0xff02, 0x2001, 0xfc00), words)
      .map(([top, ws]) => IPv6Address.parse(formatIPv6([top || ws[0]!, ...ws.slice(1)])));
    fc.assert(
      fc.property(fc.oneof(v4, v6), (a) => {
        const c = a.classify();
        const got = [
          a.isPrivate,
          a.isGlobal,
          a.isLoopback,
          a.isLinkLocal,
          a.isMulticast,
          a.isReserved,
          a.isUnspecified,
        ];
        expect(got).toEqual([
          c.private,
          c.global,
          c.loopback,
          c.linkLocal,
          c.multicast,
          c.reserved,
          c.unspecified,
        ]);
        if (a.version === 6) expect(a.isSiteLocal).toBe(c.siteLocal);
      }),
      { numRuns: 3000 },
    );
  });
});
