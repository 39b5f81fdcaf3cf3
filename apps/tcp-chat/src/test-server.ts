/** For the tests: the real server CLI as a child process, so its RSS and CPU are its own. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { scriptNodeFlags } from '@netlab/cli';
import { processUsage } from '@netlab/peers';
import { until } from './test-helpers.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** What the server printed so far (stdout and stderr). */
  output(): string;
  /** Resident memory of the server process now, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/** Starts `tcp-chat server` with the `server` script's Node flags, on a free port. */
export async function startServerProcess(flags: string[]): Promise<ServerProcess> {
  const args = [...scriptNodeFlags(appDir, 'server'), '--import', 'tsx', 'src/main.ts', 'server'];
  const child = spawn(
    process.execPath,
    [...args, '--port', '0', '--stats-interval', '0', ...flags],
    {
      cwd: appDir,
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await until(() => /listening on /.test(out) || child.exitCode !== null, 'the server to listen');
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  if (!port) throw new Error(`server did not start: ${out}`);
  return {
    child,
    port,
    output: () => out,
    rss: () => processUsage(child.pid!)?.rssBytes ?? 0,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
