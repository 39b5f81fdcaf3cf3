/** The client races IPv6 and IPv4 (RFC 8305): a name whose IPv6 address drops SYNs still connects, over IPv4. */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { parseAddress } from '@netlab/addressing/address';
import { lookupAll } from '@netlab/addressing/dns';
import { type DnsmasqPeer, startDnsmasq } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './client.ts';
import type { ChatError } from './errors.ts';
import { type ChatServer, createServer } from './server.ts';

const NAME = 'dual.tcp-chat.test';
let server: ChatServer;
let port: number;
let dns: DnsmasqPeer;
let hole: ChildProcess;
const fillers: net.Socket[] = [];

/**
 * An IPv6 address that never answers and sends nothing off the machine: [::1]:PORT held by a
 * listener that never accepts, with a backlog of 0. Once one connection waits in its accept
 * queue, Linux drops every further SYN (a full queue is not answered with a reset), so a
 * connect there hangs as to a firewalled host; a closed port would be refused at once and
 * prove nothing. Node's net.Server always accepts, so Python listens.
 */
const NEVER_ACCEPTS = `
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(('::1', int(sys.argv[1])))
s.listen(0)
print('listening', flush=True)
sys.stdin.read()
`;

beforeAll(async () => {
  server = createServer({ rate: 0 });
  port = (await server.listen(0, '127.0.0.1')).port; // IPv4 only
  hole = spawn('/usr/bin/python3', ['-c', NEVER_ACCEPTS, String(port)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => hole.stdout!.once('data', resolve));
  // The first filler takes the one queue place; every later SYN to [::1]:port is dropped.
  for (let i = 0; i < 2; i++) {
    const filler = net.connect({ host: '::1', port });
    filler.on('error', () => {});
    fillers.push(filler);
  }
  await new Promise((resolve) => fillers[0]!.once('connect', resolve));
  dns = await startDnsmasq({ records: { a: [[NAME, '127.0.0.1']], aaaa: [[NAME, '::1']] } });
}, 120_000);

afterAll(async () => {
  for (const f of fillers) f.destroy();
  hole?.stdin?.end(); // Python reads stdin to its end, then exits
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
