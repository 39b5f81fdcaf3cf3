/**
 * Our server with and without chacha20-poly1305 in its cipher offer, OpenSSH `ssh` streaming
 * 200 MB from each in turn: paired rounds, so a burst of load elsewhere hits both in one round.
 * Per round: wall time of the whole `ssh` process, the server's CPU (itself and the shell and
 * `head` it reaped) and the `ssh` client's CPU. Prints the median of the per-round ratios and
 * in how many rounds the default offer won. Run with `pnpm exec tsx bench/cipher-offer.ts`.
 */
// First, before anything loads ssh2: its optional native builds stay out, as after an install.
import './without-native.mjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { median } from '@netlab/cli';
import { cpuSeconds, startOurServerProcess, timeProcess, WITH_CHACHA } from './procs.ts';

const MB = 1_000_000;
const SIZE = Number(process.env.NETLAB_BENCH_MB ?? 200) * MB;
const ROUNDS = Number(process.env.NETLAB_BENCH_RUNS ?? 15);

const dir = mkdtempSync(join(tmpdir(), 'ssh-shell-ciphers-'));
const key = join(dir, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${key}.pub`, 'utf8'));
mkdirSync(join(dir, 'home'));
const common = ['--state', join(dir, 'state'), '--authorized-keys', join(dir, 'authorized_keys')];
const servers = {
  default: await startOurServerProcess([...common, '--home', join(dir, 'home')]),
  chacha: await startOurServerProcess([
    ...common,
    '--home',
    join(dir, 'home'),
    '--ciphers',
    WITH_CHACHA,
  ]),
};
const knownHosts = join(dir, 'known_hosts');
writeFileSync(knownHosts, `${servers.default.knownHostsLine}\n${servers.chacha.knownHostsLine}\n`);

/** CPU seconds of this process's reaped children (fields 16-17 of /proc/self/stat): `ssh`. */
function childrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100; // USER_HZ is 100 by the Linux ABI
}

/** One 200 MB stream from `server`: wall ms, server CPU ms, client CPU ms. */
async function stream(server: { port: number; pid: number }): Promise<number[]> {
  const args = ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`];
  args.push('-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-i', key);
  args.push(
    '-p',
    String(server.port),
    `${userInfo().username}@127.0.0.1`,
    `head -c ${SIZE} /dev/zero`,
  );
  const [server0, client0] = [cpuSeconds(server.pid), childrenCpu()];
  const ms = await timeProcess('ssh', args);
  // Let the server reap the session's shell and `head` before reading its CPU.
  await new Promise((r) => setTimeout(r, 300));
  return [ms, (cpuSeconds(server.pid) - server0) * 1000, (childrenCpu() - client0) * 1000];
}

try {
  const load = loadavg()[0]!.toFixed(1);
  process.stdout.write(
    `cipher offer: ${SIZE / MB} MB streams to OpenSSH ssh, ${ROUNDS} paired rounds, load average ${load}\n`,
  );
  const rows: { ours: number[]; chacha: number[] }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate who goes first, so neither always meets a warm (or a busy) machine.
    const first = i % 2 === 0 ? await stream(servers.default) : undefined;
    const chacha = await stream(servers.chacha);
    rows.push({ ours: first ?? (await stream(servers.default)), chacha });
  }
  for (const [i, what] of ['wall time', 'server CPU', 'ssh client CPU'].entries()) {
    const ours = median(rows.map((r) => r.ours[i]!));
    const chacha = median(rows.map((r) => r.chacha[i]!));
    const ratio = median(rows.map((r) => r.chacha[i]! / r.ours[i]!));
    const wins = rows.filter((r) => r.ours[i]! < r.chacha[i]!).length;
    process.stdout.write(
      `${what}: default offer (aes128-ctr) ${ours.toFixed(0)} ms, offering chacha20-poly1305 ${chacha.toFixed(0)} ms; chacha20/default ${ratio.toFixed(2)}x (median of rounds), default less in ${wins} of ${ROUNDS}\n`,
    );
  }
} finally {
  await servers.default.stop();
  await servers.chacha.stop();
  rmSync(dir, { recursive: true, force: true });
}
