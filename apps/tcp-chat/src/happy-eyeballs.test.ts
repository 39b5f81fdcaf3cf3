/** The client races IPv6 and IPv4 (RFC 8305): a name whose IPv6 address drops SYNs still connects, over IPv4. */
import { parseAddress } from '@netlab/addressing/address';
import { lookupAll } from '@netlab/addressing/dns';
import { type BlackHole, type DnsmasqPeer, startBlackHole, startDnsmasq } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './client.ts';
import type { ChatError } from './errors.ts';
import { type ChatServer, createServer } from './server.ts';

const NAME = 'dual.tcp-chat.test';
let server: ChatServer;
let port: number;
let dns: DnsmasqPeer;
let hole: BlackHole;

beforeAll(async () => {
  server = createServer({ rate: 0 });
  port = (await server.listen(0, '127.0.0.1')).port; // IPv4 only
  // An IPv6 address that never answers and sends nothing off the machine: [::1]:port.
  hole = await startBlackHole(port);
  dns = await startDnsmasq({ records: { a: [[NAME, '127.0.0.1']], aaaa: [[NAME, '::1']] } });
}, 120_000);

afterAll(async () => {
  await hole?.stop();
  await server?.close(500);
  await dns?.stop();
});

/** Every address the name has is loopback, checked before the client dials any of them. */
async function guardLoopbackOnly(): Promise<void> {
  const found = await lookupAll(NAME, { servers: [dns.server] });
  expect(found.map((f) => f.family)).toEqual([6, 4]); // IPv6 first, as RFC 8305 §4 sorts
  for (const { address } of found) expect(parseAddress(address).isLoopback).toBe(true);
}

describe('Happy Eyeballs', { timeout: 60_000 }, () => {
  it('connects over IPv4 when the IPv6 address drops SYNs, within the connect timeout', async () => {
    await guardLoopbackOnly();
    const before = server.counters().accepted;
    // 3 s: far below the kernel's own SYN retries (about 2 minutes), so success cannot have
    // come from waiting the IPv6 attempt out.
    const client = await connect({
      servers: [{ host: NAME, port }],
      nick: 'dual',
      dnsServers: [dns.server],
      connectTimeoutMs: 3000,
      reconnect: false,
    });
    expect(await client.who('#none')).toEqual([]);
    expect(server.counters().accepted).toBe(before + 1); // the IPv4-only server took it
    await client.close();
  });

  it('the IPv6 address alone times out (ERR_TIMEOUT): the race is what connects', async () => {
    const err = await connect({
      servers: [{ host: '::1', port }],
      nick: 'v6only',
      connectTimeoutMs: 1000,
      reconnect: false,
    }).then(
      () => undefined,
      (e: ChatError) => e,
    );
    expect(err?.code).toBe('ERR_TIMEOUT');
  });
});
