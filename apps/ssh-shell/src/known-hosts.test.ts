/** known_hosts parsing and matching, with OpenSSH's ssh-keygen as the oracle for hashed entries. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOpenSsh } from '../test/fixtures.ts';
import { generateEd25519 } from './keys.ts';
import {
  checkHostKey,
  entryMatches,
  knownHostsLine,
  loadKnownHosts,
  parseKnownHosts,
  recordHostKey,
} from './known-hosts.ts';

const dir = mkdtempSync(join(tmpdir(), 'ssh-shell-kh-'));
beforeAll(() => ensureOpenSsh(), 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const blobOf = (pub: string) => Buffer.from(pub.split(' ')[1]!, 'base64');
const a = blobOf(generateEd25519().public);
const b = blobOf(generateEd25519().public);

describe('known_hosts', () => {
  it('matches plain, bracketed-port, wildcard and negated patterns', () => {
    expect(entryMatches('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(entryMatches('[127.0.0.1]:2222', '[127.0.0.1]:2222')).toBe(true);
    expect(entryMatches('127.0.0.1', '[127.0.0.1]:2222')).toBe(false);
    expect(entryMatches('*.example.test,!bad.example.test', 'web.example.test')).toBe(true);
    expect(entryMatches('*.example.test,!bad.example.test', 'bad.example.test')).toBe(false);
    expect(entryMatches('web?.test', 'web1.test')).toBe(true);
  });

  it('reports ok, unknown, changed (with the old fingerprint) and revoked', () => {
    const entries = parseKnownHosts(`# comment\n${knownHostsLine('127.0.0.1', 2222, a)}\n`);
    expect(checkHostKey(entries, '127.0.0.1', 2222, a)).toEqual({ status: 'ok', line: 2 });
    expect(checkHostKey(entries, '127.0.0.1', 2223, a).status).toBe('unknown');
    const changed = checkHostKey(entries, '127.0.0.1', 2222, b);
    expect(changed.status).toBe('changed');
    if (changed.status === 'changed') expect(changed.known[0]!.fingerprint).toMatch(/^SHA256:/);
    const revoked = parseKnownHosts(
      `@revoked * ${knownHostsLine('x', 22, a).split(' ').slice(1).join(' ')}`,
    );
    expect(checkHostKey(revoked, '127.0.0.1', 2222, a).status).toBe('revoked');
  });

  it('ignores garbage lines and keys whose type does not match their blob', () => {
    const text = `garbage\n127.0.0.1 ssh-rsa ${a.toString('base64')}\n\u0000\u0001 x y\n`;
    expect(parseKnownHosts(text)).toEqual([]);
  });

  it('finds entries hashed by ssh-keygen -H (HMAC-SHA1)', () => {
    const file = join(dir, 'known_hosts');
    writeFileSync(
      file,
      `${knownHostsLine('127.0.0.1', 2222, a)}\n${knownHostsLine('10.0.0.9', 22, b)}\n`,
    );
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const hashed = parseKnownHosts(readFileSync(file, 'utf8'));
    expect(hashed.every((e) => e.hosts.startsWith('|1|'))).toBe(true);
    expect(checkHostKey(hashed, '127.0.0.1', 2222, a).status).toBe('ok');
    expect(checkHostKey(hashed, '10.0.0.9', 22, b).status).toBe('ok');
    expect(checkHostKey(hashed, '10.0.0.9', 22, a).status).toBe('changed');
  });

  it('writes hashed entries that ssh-keygen -F can find', () => {
    const file = join(dir, 'ours');
    writeFileSync(file, `${knownHostsLine('127.0.0.1', 2222, a, true)}\n`);
    const out = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], {
      encoding: 'utf8',
    });
    expect(out).toContain('found: line 1');
  });

  it('parses a file once while it is unchanged, and again after a recorded key or an edit', () => {
    const file = join(dir, 'cached');
    writeFileSync(file, `${knownHostsLine('127.0.0.1', 2222, a)}\n`);
    const first = loadKnownHosts(file);
    expect(loadKnownHosts(file)).toBe(first); // same parse, not a re-read
    recordHostKey(file, knownHostsLine('127.0.0.1', 2223, b));
    const appended = loadKnownHosts(file);
    expect(appended).not.toBe(first);
    expect(checkHostKey(appended, '127.0.0.1', 2223, b).status).toBe('ok');
    writeFileSync(file, `# replaced\n${knownHostsLine('127.0.0.1', 2222, b)}\n`);
    expect(checkHostKey(loadKnownHosts(file), '127.0.0.1', 2222, a).status).toBe('changed');
    rmSync(file);
    expect(loadKnownHosts(file)).toEqual([]);
  });
});
