/** Hostile input: a restricted authorized_keys entry against OpenSSH's ssh, sftp and scp. */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
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

const me = userInfo().username;
const dir = tempDir('keys');
const knownHosts = join(dir.path, 'known_hosts');
const keysFile = join(dir.path, 'authorized_keys');
let server: OurServer;
let restricted: { path: string; publicLine: string };
let envKey: { path: string; publicLine: string };
let keysBefore: string;
// Something to forward to, were forwarding allowed.
const target = net.createServer((s) => s.end('reached\n'));

const ssh = (identity: string, extra: string[], remote: string[], env: string[] = [], agent = '') =>
  run('env', [
    ...env,
    'ssh',
    // IdentityAgent=none would also stop agent forwarding, so the agent test names its socket.
    ...opensshOptions(knownHosts, identity).map((o) =>
      agent && o === 'IdentityAgent=none' ? `IdentityAgent=${agent}` : o,
    ),
    '-p',
    String(server.port),
    ...extra,
    `${me}@127.0.0.1`,
    ...remote,
  ]);

beforeAll(async () => {
  await ensureOpenSsh();
  restricted = makeUserKey(dir.path, 'id_restricted');
  envKey = makeUserKey(dir.path, 'id_env');
  server = await startOurServer(
    dir.path,
    [
      `restrict,command="echo forced-only \\"$SSH_ORIGINAL_COMMAND\\"" ${restricted.publicLine}`,
      `environment="LD_PRELOAD=/tmp/x.so" ${envKey.publicLine}`,
    ],
    { envAllow: ['LANG', 'SSH_ORIGINAL_COMMAND'] },
  ); // even if an operator allows it
  keysBefore = readFileSync(keysFile, 'utf8');
  writeFileSync(knownHosts, `${server.knownHostsLine}\n`);
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
}, 300_000);
afterAll(async () => {
  await server?.stop();
  target.close();
  dir.remove();
});

const refusedLog = (what: string) =>
  server.waitForLog((e) => e.event === 'refused' && (e.detail ?? '').startsWith(what));

describe('a restrict,command="..." key', { timeout: 60_000 }, () => {
  it('runs the forced command instead of an exec, with SSH_ORIGINAL_COMMAND', async () => {
    const r = await ssh(restricted.path, [], ['id']);
    expect(r).toMatchObject({ code: 0, stdout: 'forced-only id\n' });
  });

  it('replaces a shell request too, and SSH_ORIGINAL_COMMAND cannot be sent by the client', async () => {
    const env = ['SSH_ORIGINAL_COMMAND=spoofed'];
    const sendEnv = ['-o', 'SendEnv=SSH_ORIGINAL_COMMAND'];
    expect(await ssh(restricted.path, [...sendEnv, '-T'], [], env)).toMatchObject({
      code: 0,
      stdout: 'forced-only \n',
    });
    expect((await ssh(restricted.path, sendEnv, ['real'], env)).stdout).toBe('forced-only real\n');
  });

  it('runs the forced command instead of the sftp subsystem: sftp cannot write', async () => {
    const local = join(dir.path, 'evil.pub');
    writeFileSync(local, 'ssh-ed25519 AAAA attacker\n');
    const r = await run(
      'sftp',
      [
        '-b',
        '-',
        ...opensshOptions(knownHosts, restricted.path),
        '-P',
        String(server.port),
        `${me}@127.0.0.1`,
      ],
      `put ${local} /authorized_keys\nput ${local} /sftp-wrote.txt\n`,
    );
    expect(r.code).not.toBe(0);
    expect(existsSync(join(dir.path, 'sftp-wrote.txt'))).toBe(false);
    expect(readFileSync(keysFile, 'utf8')).toBe(keysBefore);
    const log = await server.waitForLog((e) => e.detail === 'forced command; asked: sftp');
    expect(log.command).toBe('echo forced-only "$SSH_ORIGINAL_COMMAND"');
  });

  it('runs the forced command instead of scp in both its modes: nothing is written', async () => {
    const local = join(dir.path, 'scp-src.txt');
    writeFileSync(local, 'data\n');
    const scpArgs = (legacy: boolean) => [
      ...(legacy ? ['-O'] : []),
      ...opensshOptions(knownHosts, restricted.path),
      '-P',
      String(server.port),
      local,
      `${me}@127.0.0.1:/scp-wrote-${legacy ? 'legacy' : 'sftp'}.txt`,
    ];
    for (const legacy of [false, true]) {
      const r = await run('scp', scpArgs(legacy));
      expect(r.code).not.toBe(0);
      expect(existsSync(join(dir.path, `scp-wrote-${legacy ? 'legacy' : 'sftp'}.txt`))).toBe(false);
    }
  });

  it('gets no PTY: the pty-req of ssh -tt is refused', async () => {
    const r = await ssh(restricted.path, ['-tt'], ['tty']);
    expect(r.stderr).toMatch(/PTY allocation request failed/);
    expect(r.stdout).not.toMatch(/\/dev\/pts/);
    await refusedLog('pty-req');
  });

  it('cannot forward ports either way (direct-tcpip, tcpip-forward)', async () => {
    const port = (target.address() as net.AddressInfo).port;
    const w = await ssh(restricted.path, ['-W', `127.0.0.1:${port}`], []);
    expect(w.code).toBe(255);
    expect(w.stdout).not.toContain('reached');
    await refusedLog(`direct-tcpip to 127.0.0.1:${port}: key forbids it`);
    const r = await ssh(
      restricted.path,
      ['-o', 'ExitOnForwardFailure=yes', '-R', `0:127.0.0.1:${port}`],
      ['true'],
    );
    expect(r.code).toBe(255);
    await refusedLog('tcpip-forward: key forbids it');
  });

  it('cannot forward an agent or X11', async () => {
    const agent = await run('ssh-agent', ['-s']);
    const sock = /SSH_AUTH_SOCK=([^;]+)/.exec(agent.stdout)?.[1] ?? '';
    const pid = /SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1];
    try {
      const r = await ssh(restricted.path, ['-o', 'ForwardAgent=yes'], ['x'], [], sock);
      expect(r.stdout).toBe('forced-only x\n');
      await refusedLog('auth-agent-req: key forbids it');
    } finally {
      if (pid) process.kill(Number(pid));
    }
    const x = await ssh(
      restricted.path,
      ['-X', '-o', 'XAuthLocation=/bin/false'],
      ['y'],
      ['DISPLAY=127.0.0.1:99'],
    );
    expect(x.stdout).toBe('forced-only y\n');
    await refusedLog('x11-req: key forbids it');
  });
});

describe('a key with an option this server cannot honour', { timeout: 60_000 }, () => {
  it('is refused at login, and the log says why', async () => {
    const r = await ssh(envKey.path, [], ['true']);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Permission denied/);
    await server.waitForLog(
      (e) =>
        e.event === 'auth' &&
        e.ok === false &&
        (e.detail ?? '').includes('unsupported option environment'),
    );
  });
});
