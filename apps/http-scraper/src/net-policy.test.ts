/** The address policy (#21): internal addresses refused at connect time, names resolved by a real dnsmasq. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseAddress } from '@netlab/addressing/address';
import { lookupAll } from '@netlab/addressing/dns';
import { type DnsmasqPeer, startDnsmasq } from '@netlab/peers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { crawl } from './crawler.ts';
import { APP, journalCodes, runCli } from './fixture/child.ts';
import { type DialGuard, guardDials } from './fixture/dial-guard.ts';
import { addressClass, NetPolicy, type Resolve } from './net-policy.ts';

describe('addressClass', () => {
  it('names each refused class, IPv4-mapped addresses by their IPv4 one, and passes public ones', () => {
    const table: [string, string | null][] = [
      ['127.0.0.1', 'loopback'],
      ['127.9.9.9', 'loopback'],
      ['::1', 'loopback'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['169.254.169.254', 'link-local'],
      ['::ffff:169.254.169.254', 'link-local'],
      ['fe80::1', 'link-local'],
      ['10.0.0.1', 'private'],
      ['192.168.1.1', 'private'],
      ['172.16.0.1', 'private'],
      ['::ffff:10.0.0.1', 'private'],
      ['fd00::1', 'unique-local'],
      ['224.0.0.1', 'multicast'],
      ['ff02::1', 'multicast'],
      ['240.0.0.1', 'reserved'],
      ['::127.0.0.1', 'reserved'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['100.64.0.1', 'shared'],
      ['fec0::1', 'site-local'],
      ['93.184.216.34', null],
      ['2606:4700::1111', null],
      ['::ffff:93.184.216.34', null],
    ];
    for (const [text, cls] of table)
      expect([text, addressClass(parseAddress(text))]).toEqual([text, cls]);
  });
});

describe('NetPolicy.refusal', () => {
  it('lets --allow-net networks through, an IPv4 network covering its mapped addresses', () => {
    const policy = new NetPolicy(['10.0.0.0/8', 'fd00::/8', '169.254.169.254/32'], async () => []);
    for (const text of ['10.1.2.3', '::ffff:10.1.2.3', 'fd00::1', '169.254.169.254', '8.8.8.8'])
      expect([text, policy.refusal(text, text)]).toEqual([text, null]);
    for (const text of [
      '172.16.0.1',
      '127.0.0.1',
      'fe80::1',
      '169.254.169.253',
      '::ffff:192.168.0.1',
    ])
      expect([text, policy.refusal(text, text)?.code]).toEqual([text, 'ERR_BLOCKED_ADDRESS']);
    expect(policy.refusal('meta.test', '169.254.0.1')?.message).toContain(
      'meta.test resolves to 169.254.0.1 (link-local)',
    );
  });

  it('lets an --allow-net written as IPv4-mapped IPv6 cover the plain IPv4 spelling', () => {
    const policy = new NetPolicy(['::ffff:10.0.0.0/104'], async () => []);
    expect(policy.refusal('10.1.2.3', '10.1.2.3')).toBeNull();
    expect(policy.refusal('::ffff:10.1.2.3', '::ffff:10.1.2.3')).toBeNull();
    expect(policy.refusal('172.16.0.1', '172.16.0.1')?.code).toBe('ERR_BLOCKED_ADDRESS');
  });
});

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-scraper-net-'));
  dirs.push(dir);
  return dir;
};

// Two real DNS servers: `first` answers a name's first query (the seed check at start), `then`
// every later one (each connection), as a rebinding attacker's server would.
let first: DnsmasqPeer;
let then: DnsmasqPeer;
let server: http.Server;
let port: number;
const hits: string[] = [];
let guard: DialGuard | undefined;

beforeAll(async () => {
  const names = ['loop4', 'loop6', 'mapped', 'meta', 'ten', 'allowed'];
  first = await startDnsmasq({
    records: { a: names.map((n) => [`${n}.netlab.test`, '93.184.216.34']) },
  });
  then = await startDnsmasq({
    records: {
      a: [
        ['loop4.netlab.test', '127.0.0.1'],
        ['meta.netlab.test', '169.254.169.254'],
        ['ten.netlab.test', '10.0.0.1'],
        ['allowed.netlab.test', '127.0.0.1'],
      ],
      aaaa: [
        ['loop6.netlab.test', '::1'],
        ['mapped.netlab.test', '::ffff:127.0.0.1'],
      ],
    },
  });
  server = http.createServer((req, res) => {
    hits.push(`${req.headers.host}${req.url}`);
    if (req.url === '/robots.txt') return res.writeHead(404).end();
    if (req.url === '/go')
      return res.writeHead(302, { location: 'http://169.254.169.254/latest/' }).end();
    const links = [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/admin',
      `http://meta.netlab.test:${port}/`,
      `http://ten.netlab.test:${port}/`,
      '/go',
    ];
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<title>home</title>${links.map((l) => `<a href="${l}">x</a>`).join('')}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
}, 120_000);

afterEach(() => {
  guard?.restore();
  guard = undefined;
});

afterAll(async () => {
  server?.close();
  await first?.stop();
  await then?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A name's first query goes to `first`, the rest to `then`. */
function rebinding(): Resolve {
  const asked = new Set<string>();
  return (name) => {
    const server = asked.has(name) ? then : first;
    asked.add(name);
    return lookupAll(name, { servers: [server.server], timeout: 1000, tries: 1 });
  };
}

const base = { retries: 0, sitemaps: false, select: [], concurrency: 4 };

describe('the crawl', () => {
  it('refuses links and redirects to link-local and private addresses, literal or named, before any dial', async () => {
    const out = path.join(tempDir(), 'out');
    const resolve: Resolve = (name) => lookupAll(name, { servers: [then.server], timeout: 1000 });
    guard = guardDials();
    const summary = await crawl({
      ...base,
      seeds: [`http://127.0.0.1:${port}/`],
      allowDomains: ['netlab.test', '169.254.169.254', '10.0.0.1'],
      out,
      resolve,
    });
    const codes = journalCodes(out);
    expect(codes.get(`http://127.0.0.1:${port}/`)).toBe('200');
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/admin',
      `http://meta.netlab.test:${port}/`,
      `http://ten.netlab.test:${port}/`,
      `http://127.0.0.1:${port}/go`, // its redirect, to 169.254.169.254, through the same dispatcher
    ])
      expect([url, codes.get(url)]).toEqual([url, 'ERR_BLOCKED_ADDRESS']);
    expect(summary.errors.ERR_BLOCKED_ADDRESS).toBe(5);
    expect(summary.blocked).toMatchObject({
      '169.254.169.254 (link-local)': expect.any(Number),
      '10.0.0.1 (private)': expect.any(Number),
    });
    expect(guard.outside).toEqual([]);
    // The named ones were refused by the crawler's own lookup, with its code.
    expect(guard.events).toContain(`refused ERR_BLOCKED_ADDRESS meta.netlab.test`);
    expect(guard.events).toContain(`refused ERR_BLOCKED_ADDRESS ten.netlab.test`);
  });

  it.each([
    ['loop4', '127.0.0.1 (loopback)'],
    ['loop6', '::1 (loopback)'],
    ['mapped', '::ffff:127.0.0.1 (loopback)'],
  ])(
    'refuses %s.netlab.test: public for the seed check, loopback at connect (DNS rebinding)',
    async (name, what) => {
      const out = path.join(tempDir(), 'out');
      guard = guardDials();
      const before = hits.length;
      const summary = await crawl({
        ...base,
        seeds: [`http://${name}.netlab.test:${port}/`],
        out,
        resolve: rebinding(),
      });
      expect(journalCodes(out).get(`http://${name}.netlab.test:${port}/`)).toBe(
        'ERR_BLOCKED_ADDRESS',
      );
      expect(summary.blocked).toEqual({ [what]: expect.any(Number) });
      expect(hits.length).toBe(before);
      expect(guard.outside).toEqual([]);
      expect(guard.events[0]).toBe(`refused ERR_BLOCKED_ADDRESS ${name}.netlab.test`);
    },
  );

  it('connects where --allow-net allows, and a seed on 127.0.0.1 allows loopback names', async () => {
    guard = guardDials();
    const allowed = path.join(tempDir(), 'allowed');
    await crawl({
      ...base,
      seeds: [`http://allowed.netlab.test:${port}/`],
      depth: 0,
      allowNets: ['127.0.0.1/32'],
      out: allowed,
      resolve: rebinding(),
    });
    expect(journalCodes(allowed).get(`http://allowed.netlab.test:${port}/`)).toBe('200');
    // A literal loopback seed: loopback names are its class, so they are fetched.
    const seeded = path.join(tempDir(), 'seeded');
    const resolve: Resolve = (name) => lookupAll(name, { servers: [then.server], timeout: 1000 });
    const before = hits.length;
    await crawl({
      ...base,
      seeds: [`http://127.0.0.1:${port}/`, `http://loop4.netlab.test:${port}/`],
      depth: 0,
      out: seeded,
      resolve,
    });
    expect(journalCodes(seeded).get(`http://loop4.netlab.test:${port}/`)).toBe('200');
    expect(hits.slice(before)).toContain(`loop4.netlab.test:${port}/`);
    expect(guard.outside).toEqual([]);
  });
});

describe('the command line', () => {
  it.each([['10.0.0.1/8'], ['10.0.0.0/33'], ['intranet'], ['fd00::/129']])(
    '--allow-net %s is a usage error naming the value',
    async (value) => {
      const run = await runCli(['crawl', 'http://127.0.0.1:9/', '--allow-net', value, '--json']);
      expect(run.code).toBe(2);
      const error = JSON.parse(run.stderr).error;
      expect(error.code).toBe('ERR_USAGE');
      expect(error.message).toContain(`'${value}'`);
    },
  );

  it('--dns sends the lookups to that server; --json counts the refusal (dials guarded in the child)', async () => {
    const out = path.join(tempDir(), 'cli');
    const args = [
      ...['--import', 'tsx', '--import', './src/fixture/dial-guard-preload.ts', 'src/main.ts'],
      ...['crawl', `http://127.0.0.1:${port}/`, '--depth', '1', '--no-sitemaps', '--retries', '0'],
      ...['--allow-domain', 'netlab.test', '--exclude', '/go', '--dns', then.server],
      ...['--out', out, '--quiet', '--json'],
    ];
    const child = spawn(process.execPath, args, { cwd: APP, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.blocked).toEqual({
      '169.254.169.254 (link-local)': 2,
      '10.0.0.1 (private)': 2,
    });
    const codes = journalCodes(out);
    expect(codes.get(`http://meta.netlab.test:${port}/`)).toBe('ERR_BLOCKED_ADDRESS');
    expect(codes.get(`http://ten.netlab.test:${port}/`)).toBe('ERR_BLOCKED_ADDRESS');
    expect(stderr).toContain('dial-guard: refused ERR_BLOCKED_ADDRESS meta.netlab.test');
    expect(stderr).not.toContain('dial-guard: outside');
  });

  it('--dns takes an IP address, not a name', async () => {
    const run = await runCli(['crawl', 'http://127.0.0.1:9/', '--dns', 'dns.example', '--json']);
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stderr).error;
    expect(error.code).toBe('ERR_USAGE');
    expect(error.message).toContain(`'dns.example'`);
  });

  it('--help shows --allow-net with an example', async () => {
    const run = await runCli(['crawl', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--allow-net 10\.0\.0\.0\/8/);
  });
});
