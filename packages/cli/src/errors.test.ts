/** CodedError: the one shape of netlab's errors, and how runMain's formatters print it. */
import { describe, expect, it } from 'vitest';
import { CodedError, isCodedError, UsageError } from './errors.ts';
import { formatError, formatJsonError } from './main.ts';
import { describeError } from './system-errors.ts';

type DemoCode = 'ERR_SHORT_READ' | 'ERR_CLOSED';
class DemoError extends CodedError<DemoCode> {
  override readonly name = 'DemoError';
}

describe('CodedError', () => {
  it('carries code, message, cause and hint, and is an Error of its own class', () => {
    const cause = new Error('read ECONNRESET');
    const error = new DemoError('ERR_SHORT_READ', 'peer closed after 3 of 8 bytes', {
      cause,
      hint: 'retry',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toBeInstanceOf(DemoError);
    expect(error.code).toBe('ERR_SHORT_READ');
    expect(error.cause).toBe(cause);
    expect(error.hint).toBe('retry');
    expect(String(error)).toBe('DemoError: peer closed after 3 of 8 bytes');
    expect(isCodedError(error)).toBe(true);
  });

  it('has no cause or hint unless given', () => {
    const error = new DemoError('ERR_CLOSED', 'closed');
    expect('cause' in error).toBe(false);
    expect(error.hint).toBeUndefined();
    expect(describeError(error)).toEqual({ code: 'ERR_CLOSED', message: 'closed' });
  });

  it('prints as runMain prints it: code, message, hint; --json keeps the hint in its field', () => {
    const error = new DemoError('ERR_CLOSED', 'closed before TLS', { hint: 'add --tls' });
    expect(formatError('demo', error)).toBe('demo: ERR_CLOSED closed before TLS (add --tls)');
    expect(JSON.parse(formatJsonError(error))).toEqual({
      error: { code: 'ERR_CLOSED', message: 'closed before TLS', hint: 'add --tls' },
    });
  });

  it('UsageError is one: ERR_USAGE, its cause kept', () => {
    const cause = new DemoError('ERR_CLOSED', 'x');
    const error = new UsageError('--port "x": not a number', { cause });
    expect(error).toBeInstanceOf(CodedError);
    expect(error.code).toBe('ERR_USAGE');
    expect(error.name).toBe('UsageError');
    expect(error.cause).toBe(cause);
  });
});
