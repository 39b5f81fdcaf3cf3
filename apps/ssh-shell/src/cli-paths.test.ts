/** The CLI as pnpm runs it (cwd = the app folder, INIT_CWD = the user's): typed paths, --json errors. */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureOpenSsh,
  makeUserKey,
  type OurServer,
  run,
  startOurServer,
  tempDir,
} from '../test/fixtures.ts';

const APP = join(import.meta.dirname, '..');
const TSX = join(APP, 'node_modules', '.bin', 'tsx');
const MAIN = join(import.meta.dirname, 'main.ts');
const dir = tempDir('cli-paths');
const user = join(dir.path, 'user'); // where the user "ran pnpm"
let server: OurServer;
// HOME is an empty folder so no personal key or agent leaks in; INIT_CWD is what pnpm passes.
const env = {
  ...process.env,
  HOME: dir.path,
  NO_COLOR: '1',
  SSH_AUTH_SOCK: '',
  INIT_CWD: user,
};
/** Run the CLI from the app's folder, as `pnpm --filter ssh-shell ...` does. */
const cli = (args: string[]) =>
  run('env', ['-C', APP, ...Object.entries(env).map(([k, v]) => `${k}=${v}`), TSX, MAIN, ...args]);
const target = () => `127.0.0.1:${server.port}`;
const jsonError = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!).error as { code: string; message: string; hint?: string };
};

beforeAll(async () => {
  await ensureOpenSsh();
  mkdirSync(user);
  const key = makeUserKey(user, 'id_ed25519');
  server = await startOurServer(dir.path, [key.publicLine]);
}, 300_000);
afterAll(async () => {
  await server?.stop();
  dir.remove();
});

describe('paths a user types resolve from INIT_CWD', { timeout: 90_000 }, () => {
  it('-i, --known-hosts with --accept-new, put and get locals', async () => {
    const r = await cli([
      'exec',
      '-i',
      'id_ed25519',
      '--known-hosts',
      'relkh',
      '--accept-new',
      target(),
      'echo ok',
    ]);
    expect(r).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(readFileSync(join(user, 'relkh'), 'utf8')).toContain(`[127.0.0.1]:${server.port}`);
    expect(existsSync(join(APP, 'relkh'))).toBe(false);
    writeFileSync(join(user, 'up.txt'), 'payload\n');
    const common = ['-i', 'id_ed25519', '--known-hosts', 'relkh', target()];
    expect((await cli(['put', '--json', ...common, 'up.txt', '/up.txt'])).code).toBe(0);
    expect(readFileSync(join(dir.path, 'up.txt'), 'utf8')).toBe('payload\n');
    expect((await cli(['get', '--json', ...common, '/up.txt', 'down.txt'])).code).toBe(0);
    expect(readFileSync(join(user, 'down.txt'), 'utf8')).toBe('payload\n');
    expect(existsSync(join(APP, 'down.txt'))).toBe(false);
  });

  it('errors name the full path', async () => {
    const r = await cli(['exec', '-i', 'no_such_key', '--known-hosts', 'relkh', target(), 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(user, 'no_such_key'));
    const hosts = await cli(['exec', '-i', 'id_ed25519', '--hosts-file', 'nohosts', 'true']);
    expect(hosts.stderr).toContain(
      `ERR_HOSTS_FILE cannot read hosts file ${join(user, 'nohosts')}`,
    );
    const home = await cli([
      'server',
      '--json',
      '--port',
      '0',
      '--home',
      'nohome',
      '--state',
      'st',
    ]);
    expect(jsonError(home.stderr)).toMatchObject({
      code: 'ERR_DIRECTORY',
      message: `--home ${join(user, 'nohome')} is not a folder`,
    });
  });
});

describe('--json errors are one JSON object on stderr', { timeout: 90_000 }, () => {
  it('for usage errors before and after parsing, and connection errors', async () => {
    const unknown = await cli(['frobnicate', '--json']);
    expect(unknown.code).toBe(2);
    expect(jsonError(unknown.stderr).code).toBe('ERR_USAGE');
    const badFlag = await cli(['exec', '--json', '--no-such-flag', 'x', 'true']);
    expect(badFlag.code).toBe(2);
    expect(jsonError(badFlag.stderr).code).toBe('ERR_USAGE');
    const noHost = await cli(['get', '--json', '-i', 'id_ed25519']);
    expect(jsonError(noHost.stderr).code).toBe('ERR_USAGE');
    const unknownHost = await cli([
      'exec',
      '--json',
      '-i',
      'id_ed25519',
      '--known-hosts',
      'empty_kh',
      target(),
      'true',
    ]);
    expect(unknownHost.code).toBe(1);
    expect(jsonError(unknownHost.stderr).code).toBe('ERR_HOST_KEY_UNKNOWN');
  });

  it("a --json in the remote command is the command's, not ours", async () => {
    const r = await cli([
      'exec',
      '-i',
      'id_ed25519',
      '--known-hosts',
      'relkh',
      '127.0.0.1:1',
      'grep',
      '--json',
      'x',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ssh-shell: ERR_/);
  });

  it('in the many-hosts mode: per-host errors in the rows, file errors as one object', async () => {
    const r = await cli([
      'exec',
      '--json',
      '-i',
      'id_ed25519',
      '--known-hosts',
      'relkh',
      '-H',
      `${target()},127.0.0.1:1`,
      'echo hi',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const rows = JSON.parse(r.stdout) as {
      host: string;
      exitCode: number;
      error?: { code: string };
    }[];
    expect(rows[0]).toMatchObject({ exitCode: 0 });
    expect(rows[1]!.error?.code).toMatch(/^ERR_/);
    const noFile = await cli([
      'exec',
      '--json',
      '-i',
      'id_ed25519',
      '--hosts-file',
      'nohosts',
      'true',
    ]);
    expect(jsonError(noFile.stderr).code).toBe('ERR_HOSTS_FILE');
  });

  it('server: a port in use is ERR_ADDRESS_IN_USE with a hint at --port', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const plain = await cli([
        'server',
        '--listen',
        '127.0.0.1',
        '--port',
        String(port),
        '--state',
        'st',
      ]);
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(/^ssh-shell: ERR_ADDRESS_IN_USE .*--port/);
      const json = await cli([
        'server',
        '--json',
        '--listen',
        `127.0.0.1:${port}`,
        '--state',
        'st',
      ]);
      expect(json.code).toBe(1);
      expect(jsonError(json.stderr)).toMatchObject({ code: 'ERR_ADDRESS_IN_USE' });
      expect(jsonError(json.stderr).hint).toContain('--port');
    } finally {
      taken.close();
    }
  });
});
