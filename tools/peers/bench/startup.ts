/** How long each peer takes to start and stop: the fixed cost a test file pays per server. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { median } from '@netlab/cli';
import { startDnsmasq, startDovecot, startNgircd, startRedis, startSshd } from '../src/index.ts';

const ROUNDS = Number(process.env.PEERS_BENCH_ROUNDS ?? 3);

const peers: Record<string, () => Promise<{ stop(): Promise<void> }>> = {
  redis: () => startRedis(),
  sshd: () => startSshd({ authorizedKeys: [] }),
  dnsmasq: () => startDnsmasq({ records: { a: [['bench.netlab.test', '127.0.0.1']] } }),
  dovecot: () => startDovecot({ users: [{ user: 'bench@netlab.test', password: 'bench' }] }),
  ngircd: () => startNgircd(),
};

/** The same daemon binary run for `--version`: the floor of any start (exec + dynamic linking). */
function execFloor(command: string, args: string[]): number {
  const t = performance.now();
  spawnSync(command, args, { stdio: 'ignore' });
  return performance.now() - t;
}

const floors: Record<string, [string, string[]]> = {
  redis: ['/usr/bin/redis-server', ['--version']],
  sshd: ['/usr/sbin/sshd', ['-V']],
  dnsmasq: ['/usr/sbin/dnsmasq', ['--version']],
  dovecot: ['/usr/sbin/dovecot', ['--version']],
  ngircd: ['/usr/sbin/ngircd', ['--version']],
};

console.log(`peer startup, median of ${ROUNDS} rounds (cpu: ${cpuModel()})`);
for (const [name, start] of Object.entries(peers)) {
  const starts: number[] = [];
  const stops: number[] = [];
  const execs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const [command, args] = floors[name]!;
    execs.push(execFloor(command, args));
    let t = performance.now();
    const peer = await start();
    starts.push(performance.now() - t);
    t = performance.now();
    await peer.stop();
    stops.push(performance.now() - t);
  }
  const s = median(starts);
  const ratio = s / median(execs);
  console.log(
    `${name.padEnd(8)} start ${s.toFixed(0).padStart(5)} ms  stop ${median(stops).toFixed(0).padStart(5)} ms` +
      `  (start = ${ratio.toFixed(1)}x a bare \`${name} --version\` exec)`,
  );
}

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('model name'));
  return line?.split(':')[1]?.trim() ?? 'unknown';
}
