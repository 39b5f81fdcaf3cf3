/** Password and token sources: environment variable and commands. */
import { describe, expect, it } from 'vitest';
import type { Account } from './config.ts';
import { resolveCredentials } from './secrets.ts';

const base = { name: 'a', email: 'a@x.test', user: 'a@x.test' } as Account;

describe('secrets', () => {
  it('reads the password from an environment variable', async () => {
    const account = { ...base, auth: 'password', passwordEnv: 'PW' } as Account;
    expect(await resolveCredentials(account, { PW: 'p w' })).toEqual({
      user: 'a@x.test',
      pass: 'p w',
    });
    await expect(resolveCredentials(account, {})).rejects.toMatchObject({ code: 'ERR_SECRET' });
  });

  it('runs password_cmd and token_cmd, first line only', async () => {
    const pw = { ...base, auth: 'password', passwordCmd: "printf 'pa:ss\\nignored\\n'" } as Account;
    expect(await resolveCredentials(pw)).toEqual({ user: 'a@x.test', pass: 'pa:ss' });
    const oauth = { ...base, auth: 'xoauth2', tokenCmd: 'echo ya29.token' } as Account;
    expect(await resolveCredentials(oauth)).toEqual({
      user: 'a@x.test',
      accessToken: 'ya29.token',
    });
  });

  it('reports a failing or silent command as ERR_SECRET', async () => {
    await expect(
      resolveCredentials({ ...base, auth: 'password', passwordCmd: 'exit 3' } as Account),
    ).rejects.toMatchObject({ code: 'ERR_SECRET' });
    await expect(
      resolveCredentials({ ...base, auth: 'password', passwordCmd: 'true' } as Account),
    ).rejects.toMatchObject({ code: 'ERR_SECRET' });
  });
});
