/** Runs the real `mail` CLI as a child process (for the demo and the exit-code tests). */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `node --import tsx src/main.ts ...args`; stdin is closed unless `input` is wanted. */
export function spawnMail(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  stdin: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...env, NO_COLOR: '1' },
    stdio: [stdin, 'pipe', 'pipe'],
  });
}

/**
 * Runs the CLI to completion (feeding `input` on stdin, if given), killing it after `timeoutMs`.
 * @returns the exit code and what it printed.
 */
export function runMail(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  const child = spawnMail(args, options.env, options.input === undefined ? 'ignore' : 'pipe');
  child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves with the first line of a child's stream that matches, or rejects after `timeoutMs`. */
export function waitForLine(
  stream: NodeJS.ReadableStream,
  match: (line: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const found = lines.find(match);
      if (found !== undefined) finish(() => resolve(found));
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`no matching line within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const finish = (then: () => void) => {
      clearTimeout(timer);
      stream.off('data', onData);
      then();
    };
    stream.on('data', onData);
  });
}
