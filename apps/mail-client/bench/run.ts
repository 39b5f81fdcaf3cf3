/** pnpm bench: list 5,000 envelopes vs Python's imaplib, and send-to-arrival latency through IDLE. */
import { median } from '@netlab/cli';
import { connect } from '../src/client.ts';
import { loadConfig, selectAccount } from '../src/config.ts';
import { startStack } from '../src/stack.ts';
import { type ArrivalTimes, timeArrivals } from './arrival.ts';
import { type Timing, timeImapflow, timeImaplib, timeMailClient } from './list.ts';
import { seedFolder } from './seed.ts';

const COUNT = Number(process.env.NETLAB_BENCH_ENVELOPES ?? 5000);
const REPS = 5;
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
  // The lean connection is opened by this warm-up listing, as imaplib's login is outside its
  // timings too.
  await timeMailClient(sessions[0]!, FOLDER, COUNT);
  await timeImapflow(sessions[2]!, FOLDER, COUNT);
  await timeImaplib(stack, FOLDER, COUNT);
  const ours: Timing[] = [];
  const flow: Timing[] = [];
  const theirs: Timing[] = [];
  for (let round = 0; round < REPS; round++) {
    ours.push(await timeMailClient(sessions[0]!, FOLDER, COUNT));
    flow.push(await timeImapflow(sessions[2]!, FOLDER, COUNT));
    theirs.push(await timeImaplib(stack, FOLDER, COUNT));
  }
  const wall = (ts: Timing[]) => median(ts.map((t) => t.wall));
  const cpu = (ts: Timing[]) => median(ts.map((t) => t.cpu));
  const [a, f, b] = [wall(ours), wall(flow), wall(theirs)];
  const [ac, fc, bc] = [cpu(ours), cpu(flow), cpu(theirs)];
  console.log(
    `list ${COUNT} envelopes (EXAMINE, UID SEARCH ALL, UID FETCH FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS], parsed), median of ${REPS}, same Dovecot:`,
  );
  console.log(`  mail-client (lean reader)     wall ${ms(a)}  cpu ${ms(ac)}  ${rate(a)}`);
  console.log(`  same through imapflow 2.1.2   wall ${ms(f)}  cpu ${ms(fc)}  ${rate(f)}`);
  console.log(`  python3 imaplib (3.11)        wall ${ms(b)}  cpu ${ms(bc)}  ${rate(b)}`);
  console.log(
    `  ratio imaplib/mail-client: wall ${(b / a).toFixed(2)}x, cpu ${(bc / ac).toFixed(2)}x (above 1 = mail-client faster; goal >= 1)`,
  );
  console.log(
    `  ratio imaplib/imapflow:    wall ${(b / f).toFixed(2)}x, cpu ${(bc / fc).toFixed(2)}x (the listing before the lean reader)`,
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
