/** Source policy: IPv6 clients keyed by prefix, --allow/--deny at accept, against a real server from 127.0.0.1 and 127.0.0.2. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from './client.ts';
import type { ChatError } from './errors.ts';
import { type ChatServer, createServer, type ServerOptions } from './server.ts';
import { SourcePolicy, sourceKey } from './source-policy.ts';
import { RawClient, until } from './test-helpers.ts';
import { devCertificate } from './tls-dev.ts';

const T = { timeout: 60_000 };
let server: ChatServer;
let port: number;
const raws: RawClient[] = [];
const logged: string[] = [];

async function start(options: ServerOptions): Promise<void> {
  server = createServer({ rate: 0, log: (l) => logged.push(l), ...options });
  port = (await server.listen(0)).port;
}

/** A raw client from `from` (127.0.0.x: Linux routes all of 127/8 to loopback). */
async function rawFrom(from: string): Promise<RawClient> {
  const c = await RawClient.connect(port, '127.0.0.1', false, from);
  raws.push(c);
  return c;
}

afterEach(async () => {
  for (const c of raws.splice(0)) c.socket.destroy();
  logged.length = 0;
  await server?.close(500);
});

describe('sourceKey', () => {
  it('keys IPv6 by its /64: one /64 shares a key, different /64s do not', () => {
    const a = sourceKey('2001:db8:1:2::1');
    expect(a).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2:ffff:ffff:ffff:fffe')).toBe(a);
    expect(sourceKey('2001:db8:1:3::1')).not.toBe(a);
    expect(sourceKey('fe80::1%eth0')).toBe('fe80::/64');
  });

  it('takes another prefix, keeps IPv4 per address, and counts mapped IPv4 as IPv4', () => {
    expect(sourceKey('2001:db8:1:2::1', 48)).toBe(sourceKey('2001:db8:1:ff::1', 48));
    expect(sourceKey('2001:db8:1:2::1', 128)).not.toBe(sourceKey('2001:db8:1:2::2', 128));
    expect(sourceKey('127.0.0.1')).not.toBe(sourceKey('127.0.0.2'));
    expect(sourceKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });

  it('refuses a prefix outside 48..128 and bad CIDRs with ERR_USAGE naming the value', () => {
    expect(() => new SourcePolicy({ ipv6Prefix: 32 })).toThrow(
      expect.objectContaining({ code: 'ERR_USAGE', message: expect.stringContaining("'32'") }),
    );
    expect(() => new SourcePolicy({ deny: ['10.0.0.0/33'] })).toThrow(
      expect.objectContaining({
        code: 'ERR_USAGE',
        message: expect.stringContaining('10.0.0.0/33'),
      }),
    );
  });

  it('deny wins over allow; no allow lets everyone not denied in', () => {
    const p = new SourcePolicy({ allow: ['127.0.0.0/8', '2001:db8::/32'], deny: ['127.0.0.2'] });
    expect(p.check('127.0.0.1')).toBeUndefined();
    expect(p.check('::ffff:127.0.0.2')).toBe('deny');
    expect(p.check('10.0.0.1')).toBe('not-allowed');
    expect(p.check('2001:db8::5')).toBeUndefined();
    expect(new SourcePolicy({ deny: ['10.0.0.0/8'] }).check('192.0.2.1')).toBeUndefined();
  });

  it('matches an IPv4 client against a rule in either spelling, mapped or plain', () => {
    // A rule copied from a dual-stack listener's log (::ffff:a.b.c.d) holds the same hosts.
    const p = new SourcePolicy({ allow: ['::ffff:127.0.0.0/104'], deny: ['::ffff:127.0.0.2'] });
    expect(p.check('127.0.0.1')).toBeUndefined();
    expect(p.check('::ffff:127.0.0.1')).toBeUndefined();
    expect(p.check('127.0.0.2')).toBe('deny');
    expect(p.check('::ffff:127.0.0.2')).toBe('deny');
    expect(p.check('10.0.0.1')).toBe('not-allowed');
    expect(p.check('not an address')).toBe('not-allowed');
    expect(new SourcePolicy({ deny: ['::1'] }).check('not an address')).toBeUndefined();
  });

  it('names the bad value among several, whichever list it is in', () => {
    expect(() => new SourcePolicy({ allow: ['10.0.0.0/8', '10.0.0.0/x'] })).toThrow(
      expect.objectContaining({
        code: 'ERR_USAGE',
        message: expect.stringContaining("--allow '10.0.0.0/x'"),
      }),
    );
  });
});

describe('per-source cap on real connections', () => {
  it('counts 127.0.0.1 and 127.0.0.2 separately', T, async () => {
    await start({ maxConnectionsPerIp: 1 });
    const one = await rawFrom('127.0.0.1');
    await one.hello('one');
    const two = await rawFrom('127.0.0.2');
    await two.hello('two'); // another address: its own count
    const again = await rawFrom('127.0.0.1');
    expect((await again.next('error')).code).toBe('ERR_TOO_MANY_CONNECTIONS');
    expect(server.counters().refused).toBe(1);
  });
});

describe('per-source cap on a dual-stack listener', () => {
  it('counts IPv4-mapped clients by their IPv4 address, not by the /64 they share', T, async () => {
    server = createServer({ rate: 0, maxConnectionsPerIp: 1 });
    port = (await server.listen(0, '::')).port; // IPv4 clients arrive as ::ffff:127.0.0.x
    const one = await rawFrom('127.0.0.1');
    await one.hello('one');
    // ::ffff:127.0.0.1 and ::ffff:127.0.0.2 are in one /64; keyed as IPv6 the second would be refused.
    const two = await rawFrom('127.0.0.2');
    await two.hello('two');
    const again = await rawFrom('127.0.0.1');
    expect((await again.next('error')).code).toBe('ERR_TOO_MANY_CONNECTIONS');
  });
});

describe('--allow / --deny at accept', () => {
  /** Refused: closed with not one byte from the server; the other address is served. */
  async function refusedAtAccept(from: string): Promise<void> {
    const c = await rawFrom(from);
    await until(() => c.closed, 'the refused socket to close');
    expect(c.bytesIn).toBe(0);
  }

  it('closes a denied address before any protocol bytes and counts it', T, async () => {
    await start({ deny: ['127.0.0.2/32'] });
    await refusedAtAccept('127.0.0.2');
    await refusedAtAccept('127.0.0.2');
    const ok = await rawFrom('127.0.0.1');
    await ok.hello('ok');
    const c = server.counters();
    expect([c.refusedDeny, c.refusedNotAllowed, c.accepted]).toEqual([2, 0, 1]);
    // ...and in the `stats` reply a client gets over the wire.
    const asker = await connect({ port, nick: 'asker', reconnect: false });
    expect(await asker.stats()).toMatchObject({ refusedDeny: 2, refusedNotAllowed: 0 });
    asker.destroy();
    // Logged at a bounded rate: one line for the two.
    expect(logged.filter((l) => l.startsWith('refused '))).toEqual(['refused 127.0.0.2: denied']);
  });

  it('the client refused at accept says ERR_CLOSED with a hint at the policy', T, async () => {
    await start({ deny: ['127.0.0.0/8'] });
    const err = await connect({ port, nick: 'shut-out', reconnect: false }).then(
      () => undefined,
      (e: ChatError) => e,
    );
    expect(err?.code).toBe('ERR_CLOSED');
    expect(err?.hint).toMatch(/--allow and --deny/);
  });

  it('with --allow, refuses everyone else; deny wins inside an allowed network', T, async () => {
    await start({ allow: ['127.0.0.0/30'], deny: ['127.0.0.2'] });
    await refusedAtAccept('127.0.0.2'); // allowed and denied: denied
    await refusedAtAccept('127.0.0.5'); // outside the allow list
    const ok = await rawFrom('127.0.0.1');
    await ok.hello('ok');
    const c = server.counters();
    expect([c.refusedDeny, c.refusedNotAllowed]).toEqual([1, 1]);
  });

  it('refuses before the TLS handshake: the server sends no ServerHello', T, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chat-policy-'));
    try {
      const { cert, key } = await devCertificate(dir);
      await start({ tls: { cert, key }, deny: ['127.0.0.2'] });
      const c = await rawFrom('127.0.0.2');
      // A TLS 1.2 ClientHello's first bytes: a handshake record. A server that took it would answer.
      c.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03]));
      await until(() => c.closed, 'the refused socket to close');
      expect(c.bytesIn).toBe(0);
      expect(server.counters().refusedDeny).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
