/** authorized_keys from="...": our server gives OpenSSH sshd's verdict for the same file, from two loopback sources. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SshdPeer, startSshd } from '@netlab/peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureOpenSsh,
  makeUserKey,
  type OurServer,
  opensshOptions,
  run,
  startOurServer,
  tempDir,
} from '../test/fixtures.ts';

const dir = tempDir('from');
const knownHosts = join(dir.path, 'known_hosts');
// One key per pattern list, all in one authorized_keys file that both servers read.
const CASES = [
  { from: '127.0.0.1', why: 'an address' },
  { from: '127.0.0.0/31', why: 'a CIDR holding .0 and .1' },
  { from: '127.0.0.0/8,!127.0.0.2', why: 'a negation beats a matching CIDR' },
  { from: '*.2', why: 'a wildcard over the address text' },
  { from: '127.0.0.?', why: 'a one-character wildcard' },
  { from: 'localhost', why: 'a name: no reverse DNS, so it matches nothing' },
  { from: '!127.0.0.1', why: 'only a negation: nothing matches positively' },
  { from: '127.0.0.1/8', why: 'host bits set: an inconsistent entry refuses the key' },
  // sshd unmaps the client to 127.0.0.1 and compares an IPv6 entry with IPv6 clients only, so
  // this refuses it: from= is not --allow, whose list matches an IPv4 host in both spellings.
  { from: '::ffff:127.0.0.1', why: 'the IPv4-mapped spelling of an IPv4 client' },
] as const;
const SOURCES = ['127.0.0.1', '127.0.0.2'] as const;
let keys: { path: string; publicLine: string }[];
let twice: { path: string; publicLine: string };
let sshd: SshdPeer;
let ours: OurServer;

beforeAll(async () => {
  await ensureOpenSsh();
  keys = CASES.map((_, i) => makeUserKey(dir.path, `id_${i}`));
  const lines = CASES.map((c, i) => `from="${c.from}" ${keys[i]!.publicLine}`);
  // The same key twice: a from= line that refuses the client, then a line without from=.
  twice = makeUserKey(dir.path, 'id_twice');
  lines.push(`from="127.0.0.9" ${twice.publicLine}`, twice.publicLine);
  sshd = await startSshd({ authorizedKeys: lines });
  ours = await startOurServer(dir.path, lines);
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n${ours.knownHostsLine}\n`);
}, 300_000);
afterAll(async () => {
  await sshd?.stop();
  await ours?.stop();
  dir.remove();
});

/** OpenSSH's ssh from `source` (bound with -b); true when it logged in and ran `true`. */
async function logsIn(port: number, user: string, key: string, source: string) {
  const args = [...opensshOptions(knownHosts, key), '-b', source, '-p', String(port)];
  const r = await run('ssh', [...args, `${user}@127.0.0.1`, 'true']);
  // 255 is ssh's own failure; anything else would be a test fault, not a verdict.
  expect([0, 255]).toContain(r.code);
  if (r.code === 255) expect(r.stderr).toMatch(/Permission denied/);
  return r.code === 0;
}

describe('from="pattern-list" against sshd', { timeout: 120_000 }, () => {
  it('gives sshd verdicts for every pattern list, from 127.0.0.1 and 127.0.0.2', async () => {
    const verdicts: string[] = [];
    const expected: string[] = [];
    for (const [i, c] of CASES.entries()) {
      for (const source of SOURCES) {
        const theirs = await logsIn(sshd.port, sshd.user, keys[i]!.path, source);
        const mine = await logsIn(ours.port, sshd.user, keys[i]!.path, source);
        expected.push(`${c.from} from ${source}: ${theirs ? 'in' : 'refused'}`);
        verdicts.push(`${c.from} from ${source}: ${mine ? 'in' : 'refused'}`);
      }
    }
    expect(verdicts).toEqual(expected);
    // The lists do tell the two sources apart (both verdicts occur), so the test has teeth.
    expect(expected.filter((v) => v.endsWith('in')).length).toBeGreaterThan(3);
    expect(expected.filter((v) => v.endsWith('refused')).length).toBeGreaterThan(3);
  });

  it('passes over a line that refuses the client to a later line with the same key, as sshd', async () => {
    expect(await logsIn(sshd.port, sshd.user, twice.path, '127.0.0.1')).toBe(true);
    expect(await logsIn(ours.port, sshd.user, twice.path, '127.0.0.1')).toBe(true);
  });

  it('logs why a key was refused', async () => {
    const negated = CASES.findIndex((c) => c.from.includes('!127.0.0.2'));
    expect(await logsIn(ours.port, sshd.user, keys[negated]!.path, '127.0.0.2')).toBe(false);
    const entry = await ours.waitForLog(
      (e) => e.event === 'auth' && !e.ok && (e.detail ?? '').includes('excluded by !127.0.0.2'),
    );
    expect(entry.from).toMatch(/^127\.0\.0\.2:/);
  });
});
