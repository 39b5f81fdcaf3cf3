/** Child processes for the benches: our server via the real CLI, the load generator. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { scriptNodeFlags } from '@netlab/cli';

const appDir = fileURLToPath(new URL('..', import.meta.url));
/** The Node flags of package.json's `server` script: the bench runs what users run. */
const serverFlags = scriptNodeFlags(appDir, 'server');

function node(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: appDir,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NO_COLOR: '1' },
  });
}

/** Starts `tcp-chat server` on a free port with the given flags; resolves once it listens. */
export async function startChatServer(
  flags: string[],
): Promise<{ child: ChildProcess; port: number; stop(): Promise<void> }> {
  const child = node([
    ...serverFlags,
    'src/main.ts',
    'server',
    '--port',
    '0',
    '--stats-interval',
    '0',
    ...flags,
  ]);
  const [line] = (await once(readline.createInterface({ input: child.stdout! }), 'line')) as [
    string,
  ];
  const port = Number(/listening on \S+:(\d+)/.exec(line)?.[1]);
  if (!port) throw new Error(`server did not start: ${line}`);
  return {
    child,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Runs the load generator to completion; resolves with its JSON lines (the last is the result). */
export async function runLoadgen(
  args: string[],
  onConnected?: () => Promise<void>,
): Promise<Record<string, number>> {
  // The load generator gets the server's flags too: without them its own full GCs (30-45 in
  // 4 s at 40,000 lines/s) show up as latency of whichever server it measures.
  const child = node([...serverFlags, 'bench/loadgen.ts', ...args]);
  const lines: Record<string, number>[] = [];
  const rl = readline.createInterface({ input: child.stdout! });
  rl.on('line', (l) => {
    const parsed = JSON.parse(l);
    lines.push(parsed);
    if ('connected' in parsed && onConnected) {
      onConnected().then(() => child.stdin!.write('go\n'));
    }
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return lines.at(-1)!;
}
