/** Bench helpers: time whole processes, start our server as its own process, CPU from /proc. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptNodeFlags } from '@netlab/cli';

export const APP = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TSX = join(APP, 'node_modules', '.bin', 'tsx');
export const MAIN = join(APP, 'src', 'main.ts');
const devNull = openSync('/dev/null', 'w');
/** The Node flags of package.json's `server` script: the bench runs what users run. */
const SERVER_NODE_FLAGS = scriptNodeFlags(APP, 'server');
/** The same for the `ssh` script, the client. */
export const CLIENT_NODE_FLAGS = scriptNodeFlags(APP, 'ssh');
export const RUNS = Number(process.env.NETLAB_BENCH_RUNS ?? 5);
/** ssh2's own default cipher list (its README), chacha20-poly1305 first as OpenSSH lists it: the
 * `--ciphers` that offers what our server leaves out by default. */
export const WITH_CHACHA = [
  'chacha20-poly1305@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
].join(',');
/** The preload that leaves ssh2's optional native builds out, as a fresh install does. */
export const WITHOUT_NATIVE = join(APP, 'bench', 'without-native.mjs');
// Every Node process the bench starts (our server, our CLI) loads it too.
process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--import=${WITHOUT_NATIVE}`]
  .filter(Boolean)
  .join(' ');

/**
 * The command line of a package.json script (`node <flags> <runner> src/main.ts`), with this
 * Node for `node`: the process a user's `pnpm <script>` starts, without pnpm's own start.
 */
export function scriptArgv(script: string): string[] {
  const pkg = JSON.parse(readFileSync(join(APP, 'package.json'), 'utf8'));
  const words = String(pkg.scripts[script]).trim().split(/\s+/);
  return words[0] === 'node' ? [process.execPath, ...words.slice(1)] : words;
}

/** Which of ssh2's optional native builds are on disk (each is refused by WITHOUT_NATIVE). */
export function nativeBuildsOnDisk(): string[] {
  const ssh2Dir = dirname(createRequire(join(APP, 'package.json')).resolve('ssh2/package.json'));
  const builds = [
    join(ssh2Dir, 'lib', 'protocol', 'crypto', 'build', 'Release', 'sshcrypto.node'),
    join(ssh2Dir, '..', 'cpu-features', 'build', 'Release', 'cpufeatures.node'),
  ];
  return builds.filter((f) => existsSync(f)).map((f) => basename(f));
}

/** Wall time of one process run, its stdout thrown away (into /dev/null, as a user would). */
export function timeProcess(cmd: string, args: string[], cwd = APP): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', devNull, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        reject(new Error(`${cmd} ${args.slice(-2).join(' ')} exited ${code}: ${stderr.trim()}`));
      else resolve(performance.now() - t0);
    });
  });
}

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/**
 * CPU seconds of a process plus those of its children it has reaped (Linux /proc/PID/stat
 * utime, stime, cutime, cstime). For sshd's listener that is every finished connection
 * (its per-connection sshd, the shell and the command); for our server, itself and its commands.
 */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
}

/** Our server as a separate process on a free port; resolves once it prints its address. */
export function startOurServerProcess(
  args: string[],
): Promise<{ port: number; pid: number; knownHostsLine: string; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    // node --import tsx rather than the tsx wrapper: one process, whose pid is the server's,
    // with the Node flags of package.json's `server` script (what `pnpm run server` starts).
    const argv = [
      ...SERVER_NODE_FLAGS,
      '--import',
      'tsx',
      MAIN,
      'server',
      '--listen',
      '127.0.0.1:0',
      ...args,
    ];
    const child: ChildProcess = spawn(process.execPath, argv, {
      cwd: APP,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const port = /listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      const line = /known_hosts line: (.+)\n/.exec(out)?.[1];
      if (port && line) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume(); // keep draining its per-session log lines
        resolve({
          port: Number(port),
          pid: child.pid!,
          knownHostsLine: line,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

/** The least of a sample: the best a contender can do. */
export const fastest = (xs: number[]) => Math.min(...xs);

/**
 * Each task's time over `rounds` rounds, summed up by `pick` (fastest by default), the tasks
 * taking turns within a round, so a burst of load on this shared machine hits both sides.
 */
export async function interleaved(
  tasks: Record<string, () => Promise<number>>,
  rounds = RUNS,
  pick = fastest,
): Promise<Record<string, number>> {
  const times = Object.fromEntries(
    Object.keys(tasks).map((name): [string, number[]] => [name, []]),
  );
  for (let i = 0; i < rounds; i++) {
    for (const [name, task] of Object.entries(tasks)) times[name]!.push(await task());
  }
  return Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, pick(xs)]));
}
/**
 * Wraps a task so that the server's CPU (itself + reaped children) over it is recorded, the
 * least over the rounds; the pause lets the server side end and reap its processes first.
 */
export const withCpu =
  (pid: number, cpu: Record<string, number>, name: string, task: () => Promise<number>) =>
  async () => {
    const c0 = cpuSeconds(pid);
    const ms = await task();
    await new Promise((r) => setTimeout(r, 300));
    cpu[name] = Math.min(cpu[name] ?? Infinity, cpuSeconds(pid) - c0);
    return ms;
  };
