/** Runs a scripted session in one bash and writes what a reader's terminal would have shown. */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { type Job, logSize, stopJobs, waitForLine, withDeadline } from './jobs.ts';
import { type Session, type Step, swapNumbers } from './session.ts';
import { Shell } from './shell.ts';
import { cleanOutput, TRANSCRIPT_ENV } from './transcripts.ts';

/** A background job's own terminal: its command and everything it printed. */
export interface JobOutput {
  command: string;
  output: string;
}

/** How a session went. */
export interface SessionResult {
  /** 0 when every step ended as expected and every wait was met; else 1 (124: timed out). */
  exitCode: number;
  /** The foreground terminal: each `$ command`, its output, `[exit N]` when not 0. */
  output: string;
  /** The background jobs' terminals, `%1` first. */
  jobs: JobOutput[];
}

// bash's own lines about jobs ending (`[1]+  Interrupt   pnpm ...`, or without job control
// `bash: line 6: 4242 Killed   { pnpm ...; } > ...`): a terminal shows them at some later
// prompt, at a moment that varies run to run, so transcripts leave them out.
const JOB_NOTICE =
  /^(\[\d+\][+-]?|bash: line \d+: +\d+)\s+(Done|Exit \d+|Terminated|Interrupt|Killed|Hangup|Stopped)\b.*\n?/gm;

// A folder made by mkdtemp/mktemp (`/tmp/netlab-mail-JqkzJg`): shown in mktemp's template form.
const MKTEMP = /(\/tmp\/[\w.-]*-)[A-Za-z0-9]{6}\b/g;

/**
 * Runs a session from a README's folder, bounded in time; leaves no process behind.
 *
 * @param session The parsed steps.
 * @param cwd The README's folder.
 * @param timeoutMs The whole session's time; past it everything is killed (exit code 124).
 * @returns The terminals' text and whether every step went as written.
 */
export async function runSession(
  session: Session,
  cwd: string,
  timeoutMs: number,
): Promise<SessionResult> {
  // TMPDIR for the session (readable by all: Dovecot's mail user must reach into it), removed
  // at the end with whatever the commands left there; shown as /tmp.
  const tmp = await mkdtemp(join(tmpdir(), 'transcript-'));
  await chmod(tmp, 0o755);
  const ports: [number, number][] = [];
  for (const port of session.ports) ports.push([port, await freePort(ports.map((p) => p[1]))]);
  const show = shower(session, cwd, tmp, ports);
  const shell = new Shell(cwd, { ...TRANSCRIPT_ENV, TMPDIR: tmp });
  const jobs: Job[] = [];
  const lines: string[] = [];
  const deadline = Date.now() + timeoutMs;
  let exitCode = 0;
  try {
    for (const step of session.steps) {
      lines.push(`$ ${step.command}`);
      const failure = await runStep(shell, step, jobs, {
        ports,
        tmp,
        deadline,
        show: (text) => lines.push(show(text).replace(/\n$/, '')),
      });
      if (failure) {
        lines.push(failure.message);
        exitCode = failure.exitCode;
        break;
      }
    }
  } finally {
    // After a failure nothing more of the jobs' output matters: stop them at once.
    await stopJobs(jobs, exitCode === 0 ? 5_000 : 0);
    shell.kill();
  }
  const shown = await Promise.all(
    jobs.map(async (job) => ({
      command: job.command,
      output: show(await readFile(job.log, 'utf8').catch(() => '')),
    })),
  );
  await rm(tmp, { recursive: true, force: true });
  return { exitCode, output: `${lines.filter((l) => l !== '').join('\n')}\n`, jobs: shown };
}

/** What is shown of raw output: the built-in normalisations, then the session's own. */
function shower(session: Session, cwd: string, tmp: string, ports: [number, number][]) {
  const back = ports.map(([shown, real]): [number, number] => [real, shown]);
  return (text: string) => {
    let out = swapNumbers(cleanOutput(text, cwd).replace(JOB_NOTICE, ''), back);
    out = out.replaceAll(`${tmp}/`, '/tmp/').replace(MKTEMP, '$1XXXXXX');
    for (const [pattern, replacement] of session.replacements) {
      out = out.replace(pattern, replacement);
    }
    return out;
  };
}

interface StepContext {
  /** Documented port, real port: swapped in the command and in what it waits for. */
  ports: [number, number][];
  tmp: string;
  deadline: number;
  show: (text: string) => void;
}

async function runStep(
  shell: Shell,
  step: Step,
  jobs: Job[],
  context: StepContext,
): Promise<{ exitCode: number; message: string } | undefined> {
  const command = swapNumbers(step.command, context.ports);
  let text = command;
  if (step.background) {
    // The job writes to its own log (its own terminal); `wait for` reads it from there.
    const log = join(context.tmp, `.job-${jobs.length + 1}.log`);
    text = `{ ${command.replace(/&\s*$/, '')}\n} >'${log}' 2>&1 &`;
    jobs.push({ command: step.command.replace(/\s*&\s*$/, ''), log, pid: 0 });
  }
  const job = step.waitJob ? jobs[step.waitJob - 1] : jobs.at(-1);
  const from = job && !step.background ? await logSize(job.log) : 0;
  const result = await withDeadline(shell.run(text), context.deadline);
  if (!result) return { exitCode: 124, message: '[timed out]' };
  context.show(result.output);
  if (step.background && job) job.pid = Number((await shell.run('echo $!')).output.trim());
  if (result.exitCode !== 0) context.show(`[exit ${result.exitCode}]`);
  if (result.exitCode !== step.exit) {
    return { exitCode: 1, message: `[expected exit ${step.exit}]` };
  }
  if (!step.waitFor) return undefined;
  if (!job) return { exitCode: 1, message: '[wait for: no such background job]' };
  const pattern = new RegExp(swapNumbers(step.waitFor.source, context.ports), step.waitFor.flags);
  const match = await waitForLine(job.log, from, pattern, context.deadline);
  const name = `%${jobs.indexOf(job) + 1}`;
  if (!match) return { exitCode: 124, message: `[${name} never printed ${step.waitFor}]` };
  // Named groups become shell variables for the steps after: (?<CFG>\S+) gives $CFG.
  for (const [name, value] of Object.entries(match.groups ?? {})) {
    await shell.run(`${name}='${(value ?? '').replaceAll("'", "'\\''")}'`);
  }
  return undefined;
}
