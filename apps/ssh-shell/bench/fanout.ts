/** Bench section: `exec -H` over 50 sessions vs one, beside 50 OpenSSH `ssh` processes, with CPU. */
import { cpus } from 'node:os';
import type { ConnectOptions } from '../src/client.ts';
import { execMany, type Target } from '../src/multi.ts';
import { interleaved, withCpu } from './procs.ts';

const N = 50;
const COMMAND = 'sleep 0.2; echo ok';

interface Server {
  port: number;
  pid: number;
}

export interface FanOutContext {
  sshd: Server & { user: string };
  /** Our server running commands with the login shell, as sshd does. */
  ours: Server;
  base: Omit<ConnectOptions, 'host' | 'port' | 'username'>;
  /** Wall time of one OpenSSH `ssh` run of `cmd` against `port`. */
  ssh: (port: number, cmd: string) => Promise<number>;
  line: (text: string) => void;
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

export async function fanOut(c: FanOutContext): Promise<void> {
  // Our client (the code behind `exec -H`), in this process: n sessions at once.
  const many = (port: number, n: number) => async () => {
    const t0 = performance.now();
    const targets = Array.from(
      { length: n },
      (_, i): Target => ({ label: `s${i}`, host: '127.0.0.1', port, username: c.sshd.user }),
    );
    const rs = await execMany(targets, COMMAND, {
      concurrency: N,
      timeoutMs: 60_000,
      base: c.base,
      onLine: () => {},
    });
    const bad = rs.find((r) => r.exitCode !== 0);
    if (bad) throw new Error(`exec -H failed: ${JSON.stringify(bad)}`);
    return performance.now() - t0;
  };
  // The same fan-out done the OpenSSH way: n `ssh` processes at once.
  const sshMany = (n: number) => async () => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, () => c.ssh(c.sshd.port, COMMAND)));
    return performance.now() - t0;
  };
  const cpu: Record<string, number> = {};
  const client = { used: Infinity };
  const fan = await interleaved({
    sshdOne: many(c.sshd.port, 1),
    sshdFifty: withCpu(c.sshd.pid, cpu, 'sshd', async () => {
      const c0 = process.cpuUsage();
      const ms = await many(c.sshd.port, N)();
      const used = process.cpuUsage(c0);
      client.used = Math.min(client.used, (used.user + used.system) / 1000);
      return ms;
    }),
    sshOne: sshMany(1),
    sshFifty: sshMany(N),
    oursOne: many(c.ours.port, 1),
    oursFifty: withCpu(c.ours.pid, cpu, 'ours', many(c.ours.port, N)),
  });
  const perSession = (name: string) => (cpu[name]! * 1000) / N;
  // What the server side alone needs for N sessions if it had every core to itself.
  const floor = (name: string) => (cpu[name]! * 1000) / cpus().length;
  c.line(
    `exec -H to sshd: ${N} sessions at once ${fan.sshdFifty!.toFixed(0)} ms, one alone ${fan.sshdOne!.toFixed(0)} ms, ratio ${ratio(fan.sshdFifty!, fan.sshdOne!)} (goal <= 3x); ${N} parallel OpenSSH ssh ${fan.sshFifty!.toFixed(0)} ms, one alone ${fan.sshOne!.toFixed(0)} ms, ratio ${ratio(fan.sshFifty!, fan.sshOne!)}; ours vs OpenSSH at ${N}: ${ratio(fan.sshdFifty!, fan.sshFifty!)}`,
  );
  c.line(
    `exec -H CPU per session: our client ${(client.used / N).toFixed(1)} ms; sshd ${perSession('sshd').toFixed(0)} ms (its processes + login shell + command), so ${N} sessions need >= ${floor('sshd').toFixed(0)} ms of ${cpus().length} cores on the server side alone`,
  );
  c.line(
    `exec -H to our server: ${N} sessions at once ${fan.oursFifty!.toFixed(0)} ms, one alone ${fan.oursOne!.toFixed(0)} ms, ratio ${ratio(fan.oursFifty!, fan.oursOne!)} (goal <= 3x); server CPU ${perSession('ours').toFixed(0)} ms per session, >= ${floor('ours').toFixed(0)} ms for ${N}`,
  );
}
