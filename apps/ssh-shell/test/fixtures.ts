/** Test fixtures: temp folders, OpenSSH-made user keys, our server on port 0, running `ssh`. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensure } from '@netlab/peers';
import { loadOrCreateHostKey } from '../src/keys.ts';
import type { LogEntry } from '../src/protocol.ts';
import { createServer, type ServerOptions } from '../src/server.ts';

/**
 * OpenSSH's client programs (ssh, sftp, ssh-keygen, ssh-agent) and sshd, installed from
 * Debian's packages by @netlab/peers when missing, so a fresh CI machine can run the tests.
 */
export async function ensureOpenSsh(): Promise<void> {
  await ensure('sshd');
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `ssh-shell-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A user key pair made by OpenSSH's own ssh-keygen. */
export function makeUserKey(dir: string, name: string): { path: string; publicLine: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
  return { path, publicLine: readFileSync(`${path}.pub`, 'utf8').trim() };
}

export interface OurServer {
  host: string;
  port: number;
  knownHostsLine: string;
  fingerprint: string;
  logs: LogEntry[];
  waitForLog(pred: (e: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  stop(): Promise<void>;
}

/** Our server on 127.0.0.1:0 with a fresh host key, logs collected for assertions. */
export async function startOurServer(
  dir: string,
  authorizedKeys: string[],
  extra: Partial<ServerOptions> = {},
): Promise<OurServer> {
  const hostKey = loadOrCreateHostKey(join(dir, 'state'));
  const authorizedKeysFile = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeysFile, `${authorizedKeys.join('\n')}\n`);
  const logs: LogEntry[] = [];
  const waiters = new Set<() => void>();
  const server = createServer({
    hostKey: hostKey.privateKey,
    authorizedKeysFile,
    sftpRoot: dir,
    home: dir,
    ...extra,
    onLog: (e) => {
      logs.push(e);
      for (const w of waiters) w();
    },
  });
  const addr = await server.listen(0, '127.0.0.1');
  return {
    host: '127.0.0.1',
    port: addr.port,
    knownHostsLine: `[127.0.0.1]:${addr.port} ${hostKey.publicKey}`,
    fingerprint: hostKey.fingerprint,
    logs,
    waitForLog: (pred, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = logs.find(pred);
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such log entry within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    stop: () => server.close(),
  };
}

/** Options that make OpenSSH's ssh/sftp strict and self-contained (no ~/.ssh, no agent). */
export function opensshOptions(knownHosts: string, identity: string, batch = true): string[] {
  // ssh takes the FIRST value given for an option, so callers cannot override these later.
  return [
    '-o',
    `BatchMode=${batch ? 'yes' : 'no'}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    'LogLevel=ERROR',
    '-F',
    '/dev/null',
    '-i',
    identity,
  ];
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a program to completion (bounded by `timeoutMs`), feeding `input` on stdin. */
export function run(cmd: string, args: string[], input = '', timeoutMs = 30_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A program that exits without reading its input (ssh-agent -s, an ssh refused at login)
    // closes the pipe, and the write fails with EPIPE: that says nothing about the test, and
    // unheard it would be an unhandled error. The exit code and output tell what happened.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** The one polling wait of the tests, from the test-server tool. */
export { waitUntil } from '@netlab/peers';
