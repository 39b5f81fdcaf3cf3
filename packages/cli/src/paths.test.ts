/** userPath: paths typed by the user resolve from INIT_CWD, not the app's folder. */
import { describe, expect, test } from 'vitest';
import { userCwd, userPath } from './paths.ts';

describe('userPath', () => {
  test('resolves a relative path against INIT_CWD', () => {
    expect(userPath('keys/id', { INIT_CWD: '/home/ann/work' })).toBe('/home/ann/work/keys/id');
  });

  test('keeps an absolute path', () => {
    expect(userPath('/etc/x', { INIT_CWD: '/home/ann' })).toBe('/etc/x');
  });

  test('falls back to the process cwd without INIT_CWD, or with a relative one', () => {
    expect(userCwd({})).toBe(process.cwd());
    expect(userCwd({ INIT_CWD: 'relative' })).toBe(process.cwd());
    expect(userPath('a', {})).toBe(`${process.cwd()}/a`);
  });

  test('expands ~ to HOME', () => {
    expect(userPath('~/.ssh/known_hosts', { HOME: '/home/ann', INIT_CWD: '/x' })).toBe(
      '/home/ann/.ssh/known_hosts',
    );
  });
});
