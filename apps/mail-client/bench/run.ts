/** pnpm bench: list 5,000 envelopes, and `mail list` of the newest 50 as a process, vs Python's imaplib; send-to-arrival latency through IDLE. */
import { median } from '@netlab/cli';
import { connect } from '../src/client.ts';
import { loadConfig, selectAccount } from '../src/config.ts';
import { startStack } from '../src/stack.ts';
import { type ArrivalTimes, timeArrivals } from './arrival.ts';
import { type Timing, timeImaplib, timeMailClient } from './list.ts';
import { timeMailList, timePythonList } from './newest.ts';
import { seedFolder } from './seed.ts';

const COUNT = Number(process.env.NETLAB_BENCH_ENVELOPES ?? 5000);
// NETLAB_BENCH_REPS=1 for one short run on a busy machine.
const REPS = Number(process.env.NETLAB_BENCH_REPS ?? 5);
const NEWEST = 50;
const PROBES = 20;
const FOLDER = 'Bench';

const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
const rate = (x: number) => `${Math.round((COUNT / x) * 1000).toLocaleString('en-US')} envelopes/s`;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

process.stderr.write('starting Dovecot and the relay...\n');
const stack = await startStack();
const sessions = [];
try {
  const config = loadConfig(stack.configPath);
  for (let i = 0; i < 4; i++)
    sessions.push(await connect({ account: selectAccount(config, 'bob') }));
  await seedFolder(sessions, FOLDER, COUNT);
  // Warm Dovecot's header cache and both clients first; then interleave the two clients so
  // drift on a shared machine hits both alike.
  // Logins stay outside these timings, on both sides.
  await timeMailClient(sessions[0]!, FOLDER, COUNT);
  await timeImaplib(stack, FOLDER, COUNT);
  const ours: Timing[] = [];
  const theirs: Timing[] = [];
  for (let round = 0; round < REPS; round++) {
    ours.push(await timeMailClient(sessions[0]!, FOLDER, COUNT));
    theirs.push(await timeImaplib(stack, FOLDER, COUNT));
  }
  const wall = (ts: Timing[]) => median(ts.map((t) => t.wall));
  const cpu = (ts: Timing[]) => median(ts.map((t) => t.cpu));
  const [a, b] = [wall(ours), wall(theirs)];
  const [ac, bc] = [cpu(ours), cpu(theirs)];
  console.log(
    `list ${COUNT} envelopes (EXAMINE, FETCH 1:N UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS], parsed), median of ${REPS}, same Dovecot:`,
  );
  console.log(`  mail-client (imapflow 2.1.2)  wall ${ms(a)}  cpu ${ms(ac)}  ${rate(a)}`);
  console.log(`  python3 imaplib (3.11)        wall ${ms(b)}  cpu ${ms(bc)}  ${rate(b)}`);
  console.log(
    `  ratio imaplib/mail-client: wall ${(b / a).toFixed(2)}x, cpu ${(bc / ac).toFixed(2)}x (above 1 = mail-client faster; goal >= 1)`,
  );

  // The case a user sees: one `mail list` of the newest 50, as a process (start, connect,
  // TLS, login, EXAMINE, FETCH of the newest sequence numbers, print, logout), vs a Python script
  // doing the same.
  await timeMailList(stack, FOLDER, NEWEST);
  await timePythonList(stack, FOLDER, NEWEST);
  const mine: number[] = [];
  const python: number[] = [];
  for (let round = 0; round < REPS; round++) {
    mine.push((await timeMailList(stack, FOLDER, NEWEST)).ms);
    python.push((await timePythonList(stack, FOLDER, NEWEST)).ms);
  }
  const [m, p] = [median(mine), median(python)];
  console.log(
    `newest ${NEWEST} envelopes as a process (start, connect, login, list, logout), median of ${REPS}:`,
  );
  console.log(`  mail list -n ${NEWEST} (netlab-run)   wall ${ms(m)}`);
  console.log(`  python3 imaplib script        wall ${ms(p)}`);
  console.log(
    `  ratio python/mail-client: ${(p / m).toFixed(2)}x (above 1 = mail-client faster; goal >= 1)`,
  );

  const sender = await connect({ account: selectAccount(config, 'alice') });
  let times: ArrivalTimes;
  try {
    times = await timeArrivals(sender, sessions[1]!, PROBES);
  } finally {
    await sender.close();
  }
  const p50 = pct(times.arrival, 0.5);
  console.log(
    `send-to-arrival through IDLE (client -> submission -> relay -> LMTP -> IDLE -> FETCH), ${PROBES} messages:`,
  );
  console.log(`  arrival     p50 ${ms(p50)}  p90 ${ms(pct(times.arrival, 0.9))}`);
  console.log(
    `  submit ack  p50 ${ms(pct(times.submitted, 0.5))}  (delivered into the Maildir by then)`,
  );
  console.log(
    `  ratio arrival/submit p50: ${(p50 / pct(times.submitted, 0.5)).toFixed(2)}x; goal p50 < 1000 ms: ${p50 < 1000 ? 'met' : 'NOT met'}`,
  );
} finally {
  for (const s of sessions) await s.close();
  await stack.stop();
}
