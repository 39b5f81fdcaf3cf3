/** Tests for netlab-ip: every command in-process, exit codes through a real child process, lookup against dnsmasq. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type DnsmasqPeer, startDnsmasq } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './cli.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('netlab-ip commands', () => {
  it('describes 192.168.0.186/24', async () => {
    const { code, out } = await run('192.168.0.186/24');
    expect(code).toBe(0);
    expect(out).toContain('Network:    192.168.0.0/24');
    expect(out).toContain('Broadcast:  192.168.0.255');
    expect(out).toContain('Hosts:      192.168.0.1 - 192.168.0.254 (254)');
    expect(out).toContain('Class:      private');
  });

  it('describes as JSON, IPv6 with its embedded IPv4', async () => {
    const d = JSON.parse((await run('2002:c000:204::1/48', '--json')).out);
    expect(d).toMatchObject({
      network: '2002:c000:204::/48',
      sixToFour: '192.0.2.4',
      numAddresses: '1208925819614629174706176',
    });
    const shared = JSON.parse((await run('100.64.0.1', '--json')).out);
    expect(shared.classification).toEqual(['shared (neither private nor global)']);
  });

  it('ignores the -- that pnpm passes on', async () => {
    expect((await run('--', 'subnets', '10.0.0.0/23', '--prefix', '24')).out).toBe(
      '10.0.0.0/24\n10.0.1.0/24\n',
    );
  });

  it('lists subnets, limited, with the total on stderr', async () => {
    expect((await run('subnets', '10.0.0.0/22', '--prefix', '24')).out).toBe(
      '10.0.0.0/24\n10.0.1.0/24\n10.0.2.0/24\n10.0.3.0/24\n',
    );
    const big = await run('subnets', '10.0.0.0/8', '--prefix', '24', '--limit', '2', '--json');
    expect(JSON.parse(big.out)).toEqual({
      network: '10.0.0.0/8',
      prefix: 24,
      total: '65536',
      subnets: ['10.0.0.0/24', '10.0.1.0/24'],
    });
    expect(big.err).toContain('showing 2 of 65536');
  });

  it('answers contains with exit code 1 when something is outside', async () => {
    expect(await run('contains', '10.0.0.0/8', '10.1.2.3', '10.2.0.0/16')).toEqual({
      code: 0,
      out: '10.1.2.3 is in 10.0.0.0/8\n10.2.0.0/16 is in 10.0.0.0/8\n',
      err: '',
    });
    const miss = await run('contains', '10.0.0.0/8', '192.168.1.1', '::1', '--json');
    expect(miss.code).toBe(1);
    expect(JSON.parse(miss.out).map((r: { contains: boolean }) => r.contains)).toEqual([
      false,
      false,
    ]);
  });

  it('collapses and summarizes', async () => {
    expect((await run('collapse', '10.0.0.0/25', '10.0.0.128/25', '10.0.1.0')).out).toBe(
      '10.0.0.0/24\n10.0.1.0/32\n',
    );
    expect((await run('summarize', '10.0.0.0', '10.0.0.5')).out).toBe('10.0.0.0/30\n10.0.0.4/31\n');
  });

  it('lists interfaces with loopback', async () => {
    const rows = JSON.parse((await run('interfaces', '--json')).out);
    expect(rows).toContainEqual(expect.objectContaining({ address: '127.0.0.1', internal: true }));
  });

  it('throws usage errors for bad command lines', async () => {
    await expect(run('subnets')).rejects.toMatchObject({ code: 'ERR_USAGE' });
    await expect(run('subnets', '10.0.0.0/8', '--prefix', '40')).rejects.toMatchObject({
      code: 'ERR_USAGE',
    });
    await expect(run('--nope')).rejects.toMatchObject({ code: 'ERR_USAGE' });
    await expect(run('10.0.0.0/33')).rejects.toMatchObject({ code: 'ERR_INVALID_NETMASK' });
    expect((await run('--help')).out).toContain('Examples:');
  });
});

describe('netlab-ip lookup against dnsmasq', () => {
  let dns: DnsmasqPeer;
  beforeAll(async () => {
    dns = await startDnsmasq({
      records: {
        a: [['mail.netlab.test', '127.0.0.1']],
        aaaa: [['mail.netlab.test', '::1']],
        mx: [['netlab.test', 'mail.netlab.test', 10]],
        ptr: [['1.0.0.10.in-addr.arpa', 'router.netlab.test']],
      },
    });
  }, 120_000);
  afterAll(async () => {
    await dns?.stop();
  });

  it('looks up addresses, MX and PTR', async () => {
    const server = ['--server', dns.server];
    expect((await run('lookup', 'mail.netlab.test', ...server)).out).toBe(
      'mail.netlab.test  AAAA  ::1\nmail.netlab.test  A     127.0.0.1\n',
    );
    expect((await run('lookup', 'netlab.test', '--type', 'mx', ...server)).out).toBe(
      'netlab.test  MX    10 mail.netlab.test\n',
    );
    expect(JSON.parse((await run('lookup', '10.0.0.1', ...server, '--json')).out)).toEqual({
      name: '10.0.0.1',
      records: [{ type: 'PTR', value: 'router.netlab.test' }],
    });
    await expect(run('lookup', 'nope.netlab.test', ...server)).rejects.toMatchObject({
      code: 'ERR_DNS_NOT_FOUND',
    });
  });

  it('traces each question and answer with --trace', async () => {
    const traced = await run(
      'lookup',
      'netlab.test',
      '--type',
      'mx',
      '--trace',
      '--server',
      dns.server,
    );
    const lines = traced.err.split('\n');
    expect(lines[0]).toBe(`> MX netlab.test via ${dns.server}`);
    expect(lines[1]).toMatch(/^< \["10 mail\.netlab\.test"\] \([0-9.]+ ms\)$/);
  });
});

describe('netlab-ip as a process', () => {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  function exec(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(tsx, [main, ...argv], { timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  it('exits 0, 1 and 2 with one-line errors', { timeout: 60_000 }, async () => {
    expect((await exec('10.0.0.0/8')).code).toBe(0);
    const bad = await exec('1.2.3.256');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'netlab-ip: ERR_INVALID_ADDRESS invalid IPv4 address "1.2.3.256": octet 256 (> 255) not permitted',
    );
    expect((await exec('subnets')).code).toBe(2);
  });
});
