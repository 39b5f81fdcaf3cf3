/** SshShellError is netlab's CodedError: code, cause and hint as every netlab app carries them. */
import { CodedError, isCodedError } from '@netlab/cli';
import { describe, expect, it } from 'vitest';
import { describe as describeError, SshShellError } from './errors.ts';

describe('SshShellError', () => {
  it('is a CodedError with its name, code, cause and hint', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const err = new SshShellError('ERR_CONNECT', 'cannot connect to 127.0.0.1:1', {
      cause,
      hint: 'is the server running?',
    });
    expect(err).toBeInstanceOf(CodedError);
    expect(isCodedError(err)).toBe(true);
    expect(err).toMatchObject({ name: 'SshShellError', code: 'ERR_CONNECT', cause });
    expect(err.hint).toBe('is the server running?');
    expect(describeError(err).code).toBe('ERR_CONNECT');
  });
});
