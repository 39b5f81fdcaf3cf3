/** Secrets: the password from an environment variable or password_cmd, the XOAUTH2 token from token_cmd. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Account } from './config.ts';
import { MailError } from './errors.ts';

const run = promisify(execFile);

/** IMAP/SMTP credentials as imapflow and nodemailer take them. */
export interface Credentials {
  user: string;
  pass?: string;
  accessToken?: string;
}

/**
 * Resolves an account's credentials. Commands run through `/bin/sh -c` with a 30 s limit and
 * only their first line of output counts (as `pass show` prints it).
 * @throws {MailError} ERR_SECRET when the variable is unset or the command fails.
 */
export async function resolveCredentials(
  account: Account,
  env = process.env,
): Promise<Credentials> {
  if (account.auth === 'xoauth2') {
    return {
      user: account.user,
      accessToken: await runSecretCommand(account.tokenCmd!, 'token_cmd'),
    };
  }
  if (account.passwordEnv) {
    const pass = env[account.passwordEnv];
    if (!pass) {
      throw new MailError(
        'ERR_SECRET',
        `environment variable ${account.passwordEnv} is not set (account '${account.name}' takes its password from it)`,
      );
    }
    return { user: account.user, pass };
  }
  return { user: account.user, pass: await runSecretCommand(account.passwordCmd!, 'password_cmd') };
}

async function runSecretCommand(command: string, key: string): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await run('/bin/sh', ['-c', command], { timeout: 30_000, maxBuffer: 64 * 1024 }));
  } catch (error) {
    const status = (error as { code?: unknown }).code;
    throw new MailError('ERR_SECRET', `${key} failed (exit ${String(status)}): ${command}`, {
      cause: error,
    });
  }
  const secret = stdout.split(/\r?\n/)[0] ?? '';
  if (secret === '') throw new MailError('ERR_SECRET', `${key} printed nothing: ${command}`);
  return secret;
}
