/** Bench helpers: time whole processes, start our server as its own process, medians. */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TSX = join(APP, 'node_modules', '.bin', 'tsx');
export const MAIN = join(APP, 'src', 'main.ts');
const devNull = openSync('/dev/null', 'w');

/** Wall time of one process run, its stdout thrown away (into /dev/null, as a user would). */
export function timeProcess(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', devNull, 'pipe'] });
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

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function repeat(n: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

/** Our server as a separate process on a free port; resolves once it prints its address. */
export function startOurServerProcess(
  args: string[],
): Promise<{ port: number; knownHostsLine: string; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(TSX, [MAIN, 'server', '--listen', '127.0.0.1:0', ...args], {
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
