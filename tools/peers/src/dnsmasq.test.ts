/** startDnsmasq queried with node:dns Resolver: A, MX, SRV, TXT, PTR, CNAME and NXDOMAIN. */
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsmasqPeer, startDnsmasq } from './dnsmasq.ts';
import { expectStopped } from './test-helpers.ts';

describe('startDnsmasq', { timeout: 60_000 }, () => {
  let dns: DnsmasqPeer;
  const resolver = new Resolver({ timeout: 2000, tries: 2 });

  beforeAll(async () => {
    dns = await startDnsmasq({
      records: {
        a: [
          ['app.netlab.test', '10.0.0.7'],
          ['app.netlab.test', '10.0.0.8'],
          ['mail.netlab.test', '127.0.0.1'],
        ],
        aaaa: [['app.netlab.test', 'fd00::7']],
        mx: [['netlab.test', 'mail.netlab.test', 10]],
        srv: [['_imap._tcp.netlab.test', 'mail.netlab.test', 143, 0, 5]],
        txt: [['netlab.test', 'v=spf1 -all']],
        cname: [['www.netlab.test', 'app.netlab.test']],
      },
    });
    resolver.setServers([dns.server]);
  });
  afterAll(async () => {
    await dns?.stop();
  });

  it('answers A and AAAA queries', async () => {
    expect(dns.server).toBe(`127.0.0.1:${dns.port}`);
    expect((await resolver.resolve4('app.netlab.test')).sort()).toEqual(['10.0.0.7', '10.0.0.8']);
    expect(await resolver.resolve6('app.netlab.test')).toEqual(['fd00::7']);
  });

  it('answers MX, SRV, TXT and CNAME queries', async () => {
    expect(await resolver.resolveMx('netlab.test')).toEqual([
      { exchange: 'mail.netlab.test', priority: 10 },
    ]);
    expect(await resolver.resolveSrv('_imap._tcp.netlab.test')).toEqual([
      { name: 'mail.netlab.test', port: 143, priority: 0, weight: 5 },
    ]);
    expect(await resolver.resolveTxt('netlab.test')).toEqual([['v=spf1 -all']]);
    expect(await resolver.resolveCname('www.netlab.test')).toEqual(['app.netlab.test']);
  });

  it('answers the PTR of an A record', async () => {
    expect(await resolver.reverse('10.0.0.7')).toEqual(['app.netlab.test']);
  });

  it('answers NXDOMAIN for any other name instead of forwarding', async () => {
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('rejects a record that would inject configuration', async () => {
    const bad = startDnsmasq({ records: { a: [['x.test\nserver=8.8.8.8', '1.2.3.4']] } });
    await expect(bad).rejects.toMatchObject({ code: 'ERR_PEER_INVALID_OPTION' });
  });

  it('stop() kills dnsmasq and removes its state folder', async () => {
    const other = await startDnsmasq({ records: {} });
    await other.stop();
    expectStopped(other.pid, other.stateDir);
  });
});
