/** Test helpers: one real mail stack per test file, and the CLI run in-process or as a child. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { isCodedError, UsageError } from '@netlab/cli';
import { afterAll, beforeAll } from 'vitest';
import { runCli } from '../src/cli.ts';
import { type MailStack, startStack } from '../src/stack.ts';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  error?: Error & { code?: string };
}

/** Starts the stack once for the file (beforeAll) and stops it afterwards. */
export function useStack(): () => MailStack {
  let stack: MailStack | undefined;
  // UIDVALIDITY bookkeeping goes to a folder of this file's own, never the user's.
  process.env.XDG_STATE_HOME = mkdtempSync(join(tmpdir(), 'netlab-mail-state-'));
  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);
  return () => {
    if (!stack) throw new Error('stack not started');
    return stack;
  };
}

/** Runs `mail ...args` in this process (fast), mapping errors to exit codes like runMain does. */
export async function mail(stack: MailStack, args: string[]): Promise<InProcessResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  try {
    const withConfig = args.includes('--config') ? args : [...args, '--config', stack.configPath];
    const code = await runCli(withConfig, {
      stdout,
      stderr,
      env: process.env,
    });
    return { code, stdout: out, stderr: err };
  } catch (error) {
    const code = error instanceof UsageError ? 2 : 1;
    return {
      code,
      stdout: out,
      stderr: err,
      error: isCodedError(error) ? error : (error as Error),
    };
  }
}

/** Runs a command with --json and parses its output, failing loudly on a non-zero exit. */
export async function mailJson<T>(stack: MailStack, args: string[]): Promise<T> {
  const result = await mail(stack, [...args, '--json']);
  if (result.code !== 0)
    throw new Error(`mail ${args.join(' ')} exited ${result.code}: ${result.error?.message}`);
  return JSON.parse(result.stdout) as T;
}
