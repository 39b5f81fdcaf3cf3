/** describeError: coded errors keep their code and hint; system errors get a stable code and a hint. */
import { describe, expect, test } from 'vitest';
import { UsageError } from './errors.ts';
import { describeError } from './system-errors.ts';

const errno = (code: string, syscall?: string) =>
  Object.assign(new Error(`${syscall ?? 'x'} ${code}`), { code, syscall });

describe('describeError', () => {
  test('keeps the code of a netlab error, and its own hint', () => {
    expect(describeError(new UsageError('bad'))).toEqual({ code: 'ERR_USAGE', message: 'bad' });
    const own = Object.assign(new Error('HTTP port 9102 in use'), {
      code: 'EADDRINUSE',
      hint: 'choose another with --http',
    });
    expect(describeError(own)).toMatchObject({
      code: 'ERR_ADDRESS_IN_USE',
      hint: 'choose another with --http',
    });
  });

  test('gives system errors a stable code and what to do', () => {
    expect(describeError(errno('EADDRINUSE', 'listen')).code).toBe('ERR_ADDRESS_IN_USE');
    expect(describeError(errno('ECONNREFUSED', 'connect')).code).toBe('ERR_CONNECTION_REFUSED');
    expect(describeError(errno('ENOENT', 'open')).code).toBe('ERR_FILE_NOT_FOUND');
    expect(describeError(errno('EACCES', 'listen')).hint).toMatch(/1024/);
    expect(describeError(errno('EACCES', 'open')).hint).toMatch(/permission/);
  });

  test('leaves unknown codes and plain values as they are', () => {
    expect(describeError(errno('EWEIRD'))).toEqual({ code: 'EWEIRD', message: 'x EWEIRD' });
    expect(describeError('text')).toEqual({ message: 'text' });
  });
});
