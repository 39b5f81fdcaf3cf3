/** Command-line splitting: options before HOST, the remote command untouched after it. */
import { describe, expect, it } from 'vitest';
import { splitCommandLine } from './cli-help.ts';

describe('splitCommandLine', () => {
  it('keeps dashes that belong to the remote command', () => {
    expect(splitCommandLine(['-i', 'k', '--trace', 'host', 'ls', '-la'])).toEqual({
      options: ['-i', 'k', '--trace', 'host'],
      rest: ['ls', '-la'],
    });
  });

  it('takes the command right after the options when -H or --hosts-file names the hosts', () => {
    expect(splitCommandLine(['-H', 'a,b', '--timeout', '5', 'uname', '-a'])).toEqual({
      options: ['-H', 'a,b', '--timeout', '5'],
      rest: ['uname', '-a'],
    });
    expect(splitCommandLine(['--hosts-file=f', 'df', '-h']).rest).toEqual(['df', '-h']);
  });

  it('honours -- and a line of options only', () => {
    expect(splitCommandLine(['-p', '22', 'h', '--', '-x'])).toEqual({
      options: ['-p', '22', 'h'],
      rest: ['--', '-x'],
    });
    expect(splitCommandLine(['--', 'x'])).toEqual({ options: [], rest: ['x'] });
    expect(splitCommandLine(['--help'])).toEqual({ options: ['--help'], rest: [] });
  });
});
