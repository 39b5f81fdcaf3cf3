/** Hostile input: SFTP path tricks (dangling and escaping links, `..`) with OpenSSH sftp and ssh2. */

import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
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
import { connect, type SshConnection } from './client.ts';
import { loadIdentities } from './identity.ts';

const me = userInfo().username;
const dir = tempDir('sftp-root');
const outside = tempDir('sftp-outside');
const root = join(dir.path, 'root');
const knownHosts = join(dir.path, 'known_hosts');
let server: OurServer;
let key: { path: string; publicLine: string };
let conn: SshConnection;
let sftp: SFTPWrapper;

beforeAll(async () => {
  await ensureOpenSsh();
  key = makeUserKey(dir.path, 'id_user');
  mkdirSync(root);
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'f.txt'), 'inside\n');
  writeFileSync(join(outside.path, 'secret.txt'), 'outside\n');
  symlinkSync(join(outside.path, 'x.txt'), join(root, 'dangle')); // target does not exist
  symlinkSync(outside.path, join(root, 'escape'));
  symlinkSync(join(outside.path, 'secret.txt'), join(root, 'efile'));
  symlinkSync('f.txt', join(root, 'inlink'));
  server = await startOurServer(dir.path, [key.publicLine], { sftpRoot: root });
  writeFileSync(knownHosts, `${server.knownHostsLine}\n`);
  conn = await connect({
    host: server.host,
    port: server.port,
    username: me,
    knownHostsFile: knownHosts,
    identities: loadIdentities([key.path]),
  });
  sftp = await conn.sftp();
}, 300_000);
afterAll(async () => {
  await conn?.end();
  await server?.stop();
  dir.remove();
  outside.remove();
});

/** Run one ssh2 SFTP call; resolve with its result or with the error's status code and text. */
function call<T>(fn: (cb: (err: Error | null | undefined, v?: T) => void) => void) {
  return new Promise<{ value?: T; code?: number; message?: string }>((resolve) =>
    fn((err, value) =>
      resolve(
        err ? { code: (err as Error & { code: number }).code, message: err.message } : { value },
      ),
    ),
  );
}
const PERMISSION_DENIED = 3;

describe('SFTP paths that lead outside the root', { timeout: 60_000 }, () => {
  it('a dangling link: OpenSSH sftp put cannot create its target outside', async () => {
    const local = join(dir.path, 'payload.txt');
    writeFileSync(local, 'planted\n');
    const r = await run(
      'sftp',
      ['-b', '-', ...opensshOptions(knownHosts, key.path), '-P', String(server.port), '127.0.0.1'],
      `put ${local} /dangle\n`,
    );
    expect(r.code).not.toBe(0);
    expect(existsSync(join(outside.path, 'x.txt'))).toBe(false);
    const open = await call((cb) => sftp.open('/dangle', 'w', cb));
    expect(open.code).toBe(PERMISSION_DENIED);
    expect(existsSync(join(outside.path, 'x.txt'))).toBe(false);
  });

  it('every path operation through an escaping link is PERMISSION_DENIED', async () => {
    const ops = {
      open: await call((cb) => sftp.open('/escape/new.txt', 'w', cb)),
      openFile: await call((cb) => sftp.open('/efile', 'r', cb)),
      stat: await call((cb) => sftp.stat('/efile', cb)),
      setstat: await call((cb) => sftp.setstat('/efile', { mode: 0o600 }, cb)),
      opendir: await call((cb) => sftp.opendir('/escape', cb)),
      mkdir: await call((cb) => sftp.mkdir('/escape/d', cb)),
      rmdir: await call((cb) => sftp.rmdir('/escape/d', cb)),
      remove: await call((cb) => sftp.unlink('/escape/secret.txt', cb)),
      renameFrom: await call((cb) => sftp.rename('/escape/secret.txt', '/stolen.txt', cb)),
      renameTo: await call((cb) => sftp.rename('/f.txt', '/escape/moved.txt', cb)),
      lstat: await call((cb) => sftp.lstat('/escape/secret.txt', cb)),
      readlink: await call((cb) => sftp.readlink('/efile', cb)),
    };
    for (const [op, r] of Object.entries(ops))
      expect([op, r.code]).toEqual([op, PERMISSION_DENIED]);
    expect(readFileSync(join(outside.path, 'secret.txt'), 'utf8')).toBe('outside\n');
    expect(existsSync(join(root, 'f.txt'))).toBe(true);
  });

  it('links inside the root still work; new links are not made; .. stops at /', async () => {
    expect((await call<string>((cb) => sftp.readlink('/inlink', cb))).value).toBe('/f.txt');
    expect((await call((cb) => sftp.stat('/inlink', cb))).code).toBeUndefined();
    expect((await call((cb) => sftp.symlink('/etc/passwd', '/mine', cb))).code).toBe(8);
    expect((await call<string>((cb) => sftp.realpath('/../../..', cb))).value).toBe('/');
    const up = await call((cb) => sftp.stat('/../../../../etc/hostname', cb));
    expect(up.code).toBe(2); // looked up as ROOT/etc/hostname, which does not exist
  });

  it('error messages name the client path, never the real one', async () => {
    const isDir = await call((cb) => sftp.open('/sub', 'r', cb));
    expect(isDir.code).toBe(4);
    const missing = await call((cb) => sftp.stat('/no/such/file', cb));
    expect(missing.code).toBe(2);
    const denied = await call((cb) => sftp.open('/escape/x', 'w', cb));
    for (const r of [isDir, missing, denied]) {
      expect(r.message).not.toContain(dir.path);
      expect(r.message).not.toContain(outside.path);
    }
    expect(isDir.message).toContain('/sub');
  });
});
