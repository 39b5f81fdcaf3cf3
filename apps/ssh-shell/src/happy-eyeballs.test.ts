/** The client races IPv6 and IPv4 (RFC 8305): a name whose IPv6 address drops SYNs still connects, over IPv4. */
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { parseAddress } from '@netlab/addressing/address';
import { lookupAll } from '@netlab/addressing/dns';
import { type BlackHole, type DnsmasqPeer, startBlackHole, startDnsmasq } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUserKey, type OurServer, startOurServer, tempDir } from '../test/fixtures.ts';
import { type ConnectOptions, connect } from './client.ts';
import type { SshShellError } from './errors.ts';
import { loadIdentities } from './identity.ts';

const NAME = 'dual.ssh-shell.test';
const dir = tempDir('happy');
let server: OurServer;
let dns: DnsmasqPeer;
let hole: BlackHole;
let base: ConnectOptions;

beforeAll(async () => {
  const key = makeUserKey(dir.path, 'id_user');
  server = await startOurServer(dir.path, [key.publicLine]); // 127.0.0.1 only
  // An unreachable IPv6 address that sends nothing off the machine: [::1] on the same port.
  hole = await startBlackHole(server.port);
  dns = await startDnsmasq({
    records: { a: [[NAME, '127.0.0.1']], aaaa: [[NAME, '::1']] },
  });
  const knownHosts = join(dir.path, 'known_hosts');
  writeFileSync(
    knownHosts,
    `[${NAME}]:${server.port} ${server.knownHostsLine.split(' ').slice(1).join(' ')}\n`,
  );
  base = {
    host: NAME,
    port: server.port,
    username: userInfo().username,
    knownHostsFile: knownHosts,
    identities: loadIdentities([key.path]),
    dnsServers: [dns.server],
    // Far below the kernel's own SYN retries (about 2 minutes), so a success cannot have
    // come from waiting the IPv6 attempt out.
    readyTimeoutMs: 3000,
  };
}, 120_000);
afterAll(async () => {
  await hole?.stop();
  await server?.stop();
  await dns?.stop();
  dir.remove();
});

/**
 * The guard on the dialer: every address the name resolves to is loopback, checked before
 * the client is called, so even a client that dialled whatever DNS said could not send a
 * packet off this machine.
 */
async function guardLoopbackOnly(name: string) {
  const found = await lookupAll(name, { servers: [dns.server] });
  expect(found.map((f) => f.family)).toEqual([6, 4]); // IPv6 first, as RFC 8305 §4 sorts
  for (const { address } of found) expect(parseAddress(address).isLoopback).toBe(true);
}

describe('Happy Eyeballs', { timeout: 60_000 }, () => {
  it('connects over IPv4 when the IPv6 address drops SYNs, within the connect timeout', async () => {
    await guardLoopbackOnly(NAME);
    const conn = await connect(base);
    expect(conn.client).toBeDefined();
    await conn.end();
    // The server (IPv4 only) saw the connection: the IPv4 attempt won the race.
    const entry = await server.waitForLog((e) => e.event === 'auth' && e.ok === true);
    expect(entry.from).toMatch(/^127\.0\.0\.1:/);
  });

  it('without the race, the first address (IPv6) alone times out: the race is what connects', async () => {
    await guardLoopbackOnly(NAME);
    const err = await connect({ ...base, happyEyeballs: false }).then(
      () => undefined,
      (e: SshShellError) => e,
    );
    expect(err?.code).toBe('ERR_TIMEOUT');
  });
});
