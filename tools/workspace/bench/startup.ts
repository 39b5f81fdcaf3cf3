/** Start-up bench: each app command's `--help`, as the process its package script starts, beside a tool people compare it with. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { median } from '@netlab/cli';
import { ROOT } from '../src/repo-copy.ts';

const GOAL_SECONDS = 0.25;
const ROUNDS = 5;

/** A command line to time: the program, its arguments, the folder it runs in. */
interface Command {
  label: string;
  argv: string[];
  cwd: string;
}

// What each app is compared with: the tool a user of such an app already has, asked the
// cheapest question it answers.
const ANCHORS: Record<string, Command> = {
  'tcp-chat': { label: 'ngircd --help', argv: ['/usr/sbin/ngircd', '--help'], cwd: ROOT },
  'udp-telemetry': { label: 'nc -h', argv: ['nc', '-h'], cwd: ROOT },
  'http-scraper': { label: 'curl --help', argv: ['curl', '--help'], cwd: ROOT },
  'mail-client': {
    label: 'python3 -c "import imaplib, smtplib, email"',
    argv: ['/usr/bin/python3', '-c', 'import imaplib, smtplib, email'],
    cwd: ROOT,
  },
  'ssh-shell': { label: 'ssh -V', argv: ['ssh', '-V'], cwd: ROOT },
};

// The scripts a user runs (not test, lint, bench or demo), with what follows them for help.
const USER_SCRIPTS: Record<string, string[]> = {
  'tcp-chat': ['server', 'client'],
  'udp-telemetry': ['agent', 'collector', 'top'],
  'http-scraper': ['crawl'],
  'mail-client': ['mail'],
  'ssh-shell': ['ssh', 'server'],
};

/** The command a package script runs, as pnpm would start it (without pnpm's own start). */
function scriptCommand(app: string, script: string): Command {
  const dir = join(ROOT, 'apps', app);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const line = `${pkg.scripts[script]} --help`;
  return { label: `${script} --help`, argv: ['/bin/sh', '-c', line], cwd: dir };
}

/** Median wall time of a command in seconds, after one unmeasured run (which builds caches). */
function time(command: Command): number {
  const [program, ...args] = command.argv;
  const binDirs = [join(command.cwd, 'node_modules', '.bin'), join(ROOT, 'node_modules', '.bin')];
  const env = { ...process.env, PATH: [...binDirs, process.env.PATH].join(delimiter) };
  const once = () => {
    const start = process.hrtime.bigint();
    spawnSync(program!, args, { cwd: command.cwd, env, stdio: 'ignore' });
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  once();
  return median(Array.from({ length: ROUNDS }, once));
}

// `pnpm --filter workspace bench tcp-chat` times one app; no argument times them all.
const only = process.argv.slice(2).filter((arg) => arg !== '--');
let failed = 0;
for (const [app, scripts] of Object.entries(USER_SCRIPTS)) {
  if (only.length > 0 && !only.includes(app)) continue;
  const anchor = ANCHORS[app]!;
  const anchorSeconds =
    existsSync(anchor.argv[0]!) || !anchor.argv[0]!.startsWith('/') ? time(anchor) : Number.NaN;
  for (const script of scripts) {
    const ours = time(scriptCommand(app, script));
    const met = ours <= GOAL_SECONDS;
    if (!met) failed++;
    console.log(
      `startup ${app} ${script} --help: ours ${ours.toFixed(3)} s, ${anchor.label} ${anchorSeconds.toFixed(3)} s, ` +
        `ratio ${(ours / anchorSeconds).toFixed(1)}x (goal ours <= ${GOAL_SECONDS} s: ${met ? 'met' : 'NOT met'})`,
    );
  }
}
console.log(
  `node -e 0: ${time({ label: 'node', argv: [process.execPath, '-e', '0'], cwd: ROOT }).toFixed(3)} s (the floor)`,
);
process.exitCode = failed === 0 ? 0 : 1;
