/** OpenSSH 9's scp against our server: SFTP mode both ways inside the root; legacy -O refused. */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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
const dir = tempDir('scp');
const outside = tempDir('scp-outside');
const root = join(dir.path, 'root');
const knownHosts = join(dir.path, 'known_hosts');
let server: OurServer;
let key: { path: string; publicLine: string };
const unique = `scp-${process.pid}-${Date.now()}`;

const scp = (...args: string[]) =>
  run('scp', [...opensshOptions(knownHosts, key.path), '-P', String(server.port), ...args]);
const remote = (path: string) => `${me}@127.0.0.1:${path}`;

beforeAll(async () => {
  await ensureOpenSsh();
  key = makeUserKey(dir.path, 'id_user');
  mkdirSync(root);
  symlinkSync(outside.path, join(root, 'escape'));
  server = await startOurServer(dir.path, [key.publicLine], { sftpRoot: root });
  writeFileSync(knownHosts, `${server.knownHostsLine}\n`);
}, 300_000);
afterAll(async () => {
  await server?.stop();
  dir.remove();
  outside.remove();
});

describe('scp (SFTP mode, OpenSSH 9 default)', { timeout: 60_000 }, () => {
  it('uploads and downloads 1 MB inside the SFTP root, exit 0 both ways', async () => {
    const data = randomBytes(1_000_000);
    const local = join(dir.path, 'up.bin');
    writeFileSync(local, data);
    const up = await scp(local, remote(`/${unique}.bin`));
    expect(up).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(root, `${unique}.bin`)).equals(data)).toBe(true);
    expect(existsSync(`/${unique}.bin`)).toBe(false); // the root, not the real /
    const back = join(dir.path, 'down.bin');
    const down = await scp(remote(`/${unique}.bin`), back);
    expect(down).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(back).equals(data)).toBe(true);
  });

  it('fails clearly for a missing file and for a path through a link that leaves the root', async () => {
    const missing = await scp(remote('/no-such.txt'), join(dir.path, 'x'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No such file/);
    const local = join(dir.path, 'small.txt');
    writeFileSync(local, 'x\n');
    const leaving = await scp(local, remote('/escape/planted.txt'));
    expect(leaving.code).toBe(1);
    expect(leaving.stderr).toMatch(/Permission denied/);
    expect(existsSync(join(outside.path, 'planted.txt'))).toBe(false);
  });
});

describe('legacy scp -O', { timeout: 60_000 }, () => {
  it('is refused both ways with a message, and writes nothing anywhere', async () => {
    const local = join(dir.path, 'legacy.txt');
    writeFileSync(local, 'legacy\n');
    const up = await scp('-O', local, remote(`/${unique}-legacy.txt`));
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('legacy scp (-O) is not served here');
    expect(existsSync(`/${unique}-legacy.txt`)).toBe(false);
    expect(existsSync(join(root, `${unique}-legacy.txt`))).toBe(false);
    const down = await scp('-O', remote('/etc/hostname'), join(dir.path, 'h'));
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('legacy scp (-O) is not served here');
    expect(existsSync(join(dir.path, 'h'))).toBe(false);
  });
});
