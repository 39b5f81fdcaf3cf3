/** Help and usage errors load nothing heavy: no ssh2, no node-pty, no node:crypto before they print. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../test/fixtures.ts';

const APP = join(import.meta.dirname, '..');
// The way the package scripts start the CLI: netlab-run's cached bundle, not tsx.
const RUNNER = join(APP, 'node_modules', '@netlab', 'cli', 'bin', 'netlab-run.mjs');
const MAIN = join(APP, 'src', 'main.ts');

/** Modules Node loaded for one CLI run, from its documented NODE_DEBUG=module trace. */
async function loaded(args: string[]) {
  await run('env', [process.execPath, RUNNER, MAIN, ...args]); // builds the bundle if stale
  const r = await run('env', ['NODE_DEBUG=module', process.execPath, RUNNER, MAIN, ...args]);
  return { code: r.code, trace: r.stderr };
}

describe('start-up of help and usage errors', { timeout: 60_000 }, () => {
  it.each([
    [['--help'], 0],
    [['server', '--help'], 0],
    [['exec', '--help'], 0],
    [['hash-password', '--help'], 0],
    [['server', '--bogus'], 2],
    [['server', '--max-auth-tries', '0'], 2],
    // A bad address is @netlab/addressing's coded error (exit 1), found before anything loads.
    [['server', '--listen', '127.0.0.1:99999'], 1],
    [['exec', '-i', 'k', 'user@[::1', 'true'], 1],
    [['exec', 'host-without-command'], 2],
  ])('%j exits %i and never loads ssh2, node-pty or node:crypto', async (args, code) => {
    const r = await loaded(args);
    expect(r.code).toBe(code);
    expect(r.trace).toMatch(/MODULE/); // the trace is there to be read
    expect(r.trace).not.toMatch(/ssh2|node-pty|node:crypto/);
  });
});
