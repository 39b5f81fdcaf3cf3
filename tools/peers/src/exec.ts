/** Run a short helper command (ssh-keygen, openssl, apt-get) and collect its output. */
import { spawn } from 'node:child_process';
import { PeerError } from './errors.ts';

export interface RunResult {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Data written to the command's stdin. */
  input?: string;
  /** Extra environment variables. */
  env?: NodeJS.ProcessEnv;
  /** Copy the command's output to our stderr as it arrives (apt-get progress). */
  echo?: boolean;
}

/**
 * Runs `file args...` without a shell and resolves with its output.
 * @throws {PeerError} ERR_PEER_COMMAND_FAILED when it cannot start or exits non-zero.
 */
export function run(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.on('error', (err) => {
      reject(
        new PeerError('ERR_PEER_COMMAND_FAILED', `cannot run ${file}: ${err.message}`, {
          cause: err,
        }),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolve({ stdout, stderr });
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      const tail = (stderr || stdout).trim().split('\n').slice(-8).join('\n');
      reject(
        new PeerError(
          'ERR_PEER_COMMAND_FAILED',
          `${file} ${args.join(' ')} failed (${how}): ${tail}`,
        ),
      );
    });
    if (child.stdin) {
      // A command may exit without reading its input: EPIPE here is not our failure to report.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
  });
}
