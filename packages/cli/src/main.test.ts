/** runMain through a real child process: exit codes 0/1/2 and one-line errors. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { formatError, UsageError } from './index.ts';

const fixture = fileURLToPath(new URL('../test/fixture-cli.ts', import.meta.url));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', fixture, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_DEBUG: '' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('runMain', { timeout: 60_000 }, () => {
  test('exits 0 and prints nothing on stderr when the command succeeds', () => {
    expect(run()).toEqual({ status: 0, stdout: 'ok\n', stderr: '' });
  });

  test('uses the exit code the command returns', () => {
    expect(run('--exit', '3').status).toBe(3);
  });

  test('a UsageError exits 2 with one line', () => {
    const { status, stderr } = run('--fail', 'usage');
    expect(status).toBe(2);
    expect(stderr).toBe('demo: ERR_USAGE missing HOST (try --help)\n');
  });

  test('an unknown flag is a usage error, not a stack trace', () => {
    const { status, stderr } = run('--bogus');
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^demo: ERR_USAGE .*--bogus/);
  });

  test('a coded error exits 1 with its code and message on one line', () => {
    const { status, stderr } = run('--fail', 'coded');
    expect(status).toBe(1);
    expect(stderr).toBe('demo: ERR_DEMO peer closed after 3 of 8 bytes\n');
  });

  test('--json prints the error as one JSON object on stderr', () => {
    const { status, stderr } = run('--fail', 'coded', '--json');
    expect(status).toBe(1);
    expect(JSON.parse(stderr)).toEqual({
      error: { code: 'ERR_DEMO', message: 'peer closed after 3 of 8 bytes' },
    });
    const usage = run('--bogus', '--json');
    expect(usage.status).toBe(2);
    expect(JSON.parse(usage.stderr).error.code).toBe('ERR_USAGE');
  });

  test('--json after -- is data, not the flag', () => {
    expect(run('--fail', 'coded', '--', '--json').stderr).toMatch(/^demo: ERR_DEMO/);
  });

  test('a port in use gets a stable code and a hint at --port', () => {
    const { status, stderr } = run('--fail', 'listen');
    expect(status).toBe(1);
    expect(stderr).toMatch(/^demo: ERR_ADDRESS_IN_USE listen EADDRINUSE.*--port/);
    const json = JSON.parse(run('--fail', 'listen', '--json').stderr);
    expect(json.error.code).toBe('ERR_ADDRESS_IN_USE');
    expect(json.error.hint).toMatch(/--port/);
  });

  test('--trace adds the stack and the causes', () => {
    const { status, stderr } = run('--fail', 'coded', '--trace');
    expect(status).toBe(1);
    expect(stderr).toContain('caused by:');
    expect(stderr).toContain('Error: inner');
  });
});

describe('formatError', () => {
  test('prints errors without a code plainly', () => {
    expect(formatError('x', new Error('boom'))).toBe('x: boom');
    expect(formatError('x', 'text thrown')).toBe('x: text thrown');
  });

  test('keeps the code of a usage error', () => {
    expect(formatError('x', new UsageError('bad'))).toBe('x: ERR_USAGE bad');
  });
});
