/**
 * ssh-shell benchmark, side by side with OpenSSH in one run:
 *  1. 200 MB of exec output from sshd: our client vs OpenSSH `ssh` (default algorithms, then aes128-gcm)
 *  2. OpenSSH `ssh` against our server vs against sshd (same two cipher settings), and the
 *     server side's CPU per 100 MB from /proc (load-independent); with the default settings
 *     also our server offering chacha20-poly1305 (`--ciphers`), which OpenSSH then picks
 *  3. connect + auth + `true` latency: our library in this process, OpenSSH `ssh` both ways
 *  4. the CLI's own cost: `ssh-shell exec HOST true` as the `ssh` script starts it, beside
 *     OpenSSH `ssh HOST true`, whole processes against the same sshd
 *  5. `exec -H` across 50 sessions vs one, with CPU per session (bench/fanout.ts)
 * ssh2 runs without its optional native builds, as an install leaves it (without-native.mjs).
 * Streaming rates subtract each client's own connect+`true` time, so process start-up (Node's
 * is ~10x ssh's) does not count against the data path; the latency section shows start-up apart.
 * Streams count the median of the rounds: on two shared cores one 200 MB run swings by a third
 * either way, and the fastest of a few rewarded whichever side had one lucky run.
 */
// First, before anything loads ssh2: its optional native builds stay out, as after an install.
import './without-native.mjs';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { median } from '@netlab/cli';
import { ensure, startSshd } from '@netlab/peers';
import { connect, type SshConnection } from '../src/client.ts';
import { loadIdentities } from '../src/identity.ts';
import { fanOut } from './fanout.ts';
import {
  CLIENT_NODE_FLAGS,
  interleaved,
  nativeBuildsOnDisk,
  RUNS,
  scriptArgv,
  startOurServerProcess,
  timeProcess,
  WITH_CHACHA,
  withCpu,
} from './procs.ts';
import { refused } from './without-native.mjs';

const MB = 1_000_000;
const SIZE = Number(process.env.NETLAB_BENCH_MB ?? 200) * MB;
const GCM = 'aes128-gcm@openssh.com';
const STREAM = `head -c ${SIZE} /dev/zero`;

await ensure('sshd'); // sshd, ssh, ssh-keygen from Debian's packages when missing
const dir = mkdtempSync(join(tmpdir(), 'ssh-shell-bench-'));
const key = join(dir, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
const publicLine = readFileSync(`${key}.pub`, 'utf8').trim();
writeFileSync(join(dir, 'authorized_keys'), `${publicLine}\n`);
const knownHosts = join(dir, 'known_hosts');

const sshd = await startSshd({ authorizedKeys: [publicLine] });
const serverArgs = [
  '--state',
  join(dir, 'state'),
  '--authorized-keys',
  join(dir, 'authorized_keys'),
];
// Like the peer's sshd: the login shell, in an empty HOME (no ~/.bashrc to run per session).
mkdirSync(join(dir, 'home'));
const ours = await startOurServerProcess([...serverArgs, '--home', join(dir, 'home')]);
// The same server (same host key, same state folder) offering chacha20-poly1305 as well.
const chacha = await startOurServerProcess([
  ...serverArgs,
  '--home',
  join(dir, 'home'),
  '--ciphers',
  WITH_CHACHA,
]);
writeFileSync(
  knownHosts,
  `${sshd.knownHostsLine}\n${ours.knownHostsLine}\n${chacha.knownHostsLine}\n`,
);

const base = {
  host: '127.0.0.1',
  username: sshd.user,
  knownHostsFile: knownHosts,
  identities: loadIdentities([key]),
  keepaliveIntervalMs: 0,
};
/** Discards output, like writing to /dev/null. */
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

const sshArgs = (port: number, cipher: string | undefined, cmd: string) => [
  '-F',
  '/dev/null',
  '-o',
  'BatchMode=yes',
  '-o',
  'StrictHostKeyChecking=yes',
  '-o',
  `UserKnownHostsFile=${knownHosts}`,
  '-o',
  'IdentitiesOnly=yes',
  '-o',
  'IdentityAgent=none',
  '-i',
  key,
  '-p',
  String(port),
  ...(cipher ? ['-c', cipher] : []),
  `${sshd.user}@127.0.0.1`,
  cmd,
];
/** `pnpm ssh exec ...` as the process the `ssh` script starts (pnpm's own start left out). */
const [NODE, ...SSH_SCRIPT] = scriptArgv('ssh');
const ourArgs = (port: number, cmd: string) => [
  ...SSH_SCRIPT,
  'exec',
  '--no-agent',
  '-i',
  key,
  '--known-hosts',
  knownHosts,
  `${sshd.user}@127.0.0.1:${port}`,
  cmd,
];
/** MB/s, or NaN when load noise made the stream run no slower than the `true` run. */
const mbps = (ms: number) => (ms > 0 ? SIZE / MB / (ms / 1000) : Number.NaN);
const rate = (x: number) => (Number.isNaN(x) ? 'n/a (noise)' : `${x.toFixed(0)} MB/s`);
const ssh = (port: number, cipher: string | undefined, cmd: string) => () =>
  timeProcess('ssh', sshArgs(port, cipher, cmd));
/** Our client inside this process on an open connection: channel open + exec + all data + close. */
const ourStream = (conn: SshConnection) => async () => {
  const t0 = performance.now();
  await conn.exec(STREAM, { stdout: sink(), stderr: sink() });
  return performance.now() - t0;
};
const ratio = (a: number, b: number) => (Number.isNaN(a / b) ? 'n/a' : `${(a / b).toFixed(2)}x`);
const line = (text: string) => process.stdout.write(`${text}\n`);

try {
  // Our client runs inside this process: it should have the Node flags `pnpm ssh` gives it.
  const missing = CLIENT_NODE_FLAGS.filter((f) => !process.execArgv.includes(f));
  if (missing.length > 0)
    line(
      `note: run through \`pnpm run bench\`; without ${missing.join(' ')} our client's figures are not what \`pnpm ssh\` gets`,
    );
  line(
    `ssh-shell bench: ${SIZE / MB} MB streams, median of ${RUNS} rounds (latency and exec -H: fastest); load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores; ${spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim()}`,
  );
  // Says whether ssh2 asked for its optional builds in this process and was refused them.
  const onDisk = nativeBuildsOnDisk();
  line(
    `ssh2 native builds: ${onDisk.length === 0 ? 'none on disk (a fresh install)' : `${onDisk.join(', ')} on disk from an older install`}; loaded in this run: none (refused: ${[...refused].join(', ') || 'none asked for'})`,
  );
  for (const cipher of [undefined, GCM]) {
    const label = cipher ? 'aes128-gcm' : 'default algorithms';
    const goal = cipher ? '0.8' : '1.0';
    const conn = await connect({
      ...base,
      port: sshd.port,
      ...(cipher ? { ciphers: [cipher] } : {}),
    });
    const c = await interleaved(
      {
        ours: ourStream(conn),
        sshTrue: ssh(sshd.port, cipher, 'true'),
        sshStream: ssh(sshd.port, cipher, STREAM),
      },
      RUNS,
      median,
    );
    await conn.end();
    // OpenSSH's data path: its stream run minus its own connect+auth+`true` run.
    const [oursClient, opensshClient] = [mbps(c.ours!), mbps(c.sshStream! - c.sshTrue!)];
    line(
      `client stream from sshd, ${label}: ours ${rate(oursClient)}, OpenSSH ssh ${rate(opensshClient)}, ratio ${ratio(oursClient, opensshClient)} (goal >= ${goal}x)`,
    );
    const cpu: Record<string, number> = {};
    // With the default settings, our server offering chacha20 too takes its turns in the rounds.
    const chachaTasks: Record<string, () => Promise<number>> = cipher
      ? {}
      : {
          chachaTrue: withCpu(chacha.pid, cpu, 'chachaTrue', ssh(chacha.port, cipher, 'true')),
          chachaStream: withCpu(chacha.pid, cpu, 'chachaStream', ssh(chacha.port, cipher, STREAM)),
        };
    const v = await interleaved(
      {
        oursTrue: withCpu(ours.pid, cpu, 'oursTrue', ssh(ours.port, cipher, 'true')),
        oursStream: withCpu(ours.pid, cpu, 'oursStream', ssh(ours.port, cipher, STREAM)),
        sshdTrue: withCpu(sshd.pid, cpu, 'sshdTrue', ssh(sshd.port, cipher, 'true')),
        sshdStream: withCpu(sshd.pid, cpu, 'sshdStream', ssh(sshd.port, cipher, STREAM)),
        ...chachaTasks,
      },
      RUNS,
      median,
    );
    const [toOurs, toSshd] = [mbps(v.oursStream! - v.oursTrue!), mbps(v.sshdStream! - v.sshdTrue!)];
    line(
      `server stream to OpenSSH ssh, ${label}: ours ${rate(toOurs)}, sshd ${rate(toSshd)}, ratio ${ratio(toOurs, toSshd)} (goal >= ${goal}x)`,
    );
    // Load-independent: CPU seconds the server side spent per 100 MB (stream run - `true` run).
    const per100 = (stream: number, t: number) => ((stream - t) * 1000 * 100 * MB) / SIZE;
    const [cpuOurs, cpuSshd] = [
      per100(cpu.oursStream!, cpu.oursTrue!),
      per100(cpu.sshdStream!, cpu.sshdTrue!),
    ];
    line(
      `server CPU per 100 MB, ${label} (server + shell + head -c): ours ${cpuOurs.toFixed(0)} ms, sshd ${cpuSshd.toFixed(0)} ms, ratio ${ratio(cpuOurs, cpuSshd)}`,
    );
    if (!cipher) {
      const toChacha = mbps(v.chachaStream! - v.chachaTrue!);
      const cpuChacha = per100(cpu.chachaStream!, cpu.chachaTrue!);
      line(
        `server offering chacha20-poly1305 too (--ciphers; OpenSSH ssh picks it): ${rate(toChacha)}, CPU ${cpuChacha.toFixed(0)} ms per 100 MB; the default offer (aes128-ctr picked) against it: ${ratio(toOurs, toChacha)} the rate, ${ratio(cpuOurs, cpuChacha)} the CPU`,
      );
    }
  }

  // Latency: connect + kex + auth + exec `true` + close.
  const lat = await interleaved(
    {
      oursLib: async () => {
        const t0 = performance.now();
        const conn = await connect({ ...base, port: sshd.port });
        await conn.exec('true', { stdout: sink(), stderr: sink() });
        await conn.end();
        return performance.now() - t0;
      },
      sshToSshd: ssh(sshd.port, undefined, 'true'),
      sshToOurs: ssh(ours.port, undefined, 'true'),
    },
    5,
  );
  line(
    `latency connect+auth+true to sshd (fastest of 5): ours ${lat.oursLib!.toFixed(1)} ms (library, in a running process), OpenSSH ssh ${lat.sshToSshd!.toFixed(1)} ms, ratio ${ratio(lat.oursLib!, lat.sshToSshd!)} (goal <= 1.5x)`,
  );
  line(
    `latency OpenSSH ssh -> server, connect+auth+true: ours ${lat.sshToOurs!.toFixed(1)} ms, sshd ${lat.sshToSshd!.toFixed(1)} ms, ratio ${ratio(lat.sshToOurs!, lat.sshToSshd!)}`,
  );

  // The CLI's own cost, whole processes taking turns against one server: Node's start, the
  // cached bundle, key loading, connect, auth, `true`, close. Against sshd too, where its own
  // per-connection work (~0.2 s here) is in both sides' time; against our server, which
  // answers faster, what the CLI itself costs shows more. One unmeasured run first rebuilds
  // the bundle if a source changed.
  await timeProcess(NODE!, ourArgs(sshd.port, 'true'));
  const CLI_RUNS = Math.max(RUNS, 7);
  for (const [name, port] of [
    ['sshd', sshd.port],
    ['our server', ours.port],
  ] as const) {
    const cli = await interleaved(
      {
        ours: () => timeProcess(NODE!, ourArgs(port, 'true')),
        openssh: ssh(port, undefined, 'true'),
      },
      CLI_RUNS,
      median,
    );
    line(
      `cli exec HOST true, whole process against ${name} (median of ${CLI_RUNS}): ours ${cli.ours!.toFixed(0)} ms, OpenSSH ssh ${cli.openssh!.toFixed(0)} ms, ratio ${ratio(cli.ours!, cli.openssh!)} (goal <= 1.5x)`,
    );
  }
  line(`  ours = \`${basename(NODE!)} ${SSH_SCRIPT.join(' ')} exec\`, as the ssh script starts it`);

  // Many hosts: 50 sessions at once vs one.
  await fanOut({
    sshd,
    ours,
    base,
    ssh: (port, cmd) => ssh(port, undefined, cmd)(),
    line,
  });
} finally {
  await ours.stop();
  await chacha.stop();
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
}
