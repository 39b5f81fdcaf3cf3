/** Runs every transcript of one README in order: commands, sessions, and their jobs' blocks. */
import { runSession, type SessionResult } from './run-session.ts';
import { parseSession, sameApartFrom } from './session.ts';
import { blockOutput, findTranscripts, runCommand, type Transcript } from './transcripts.ts';

/** One block's fresh text and whether it came out as written. */
export interface TranscriptRun {
  transcript: Transcript;
  /** 0 when the command (or every step of the session) ended as written. */
  exitCode: number;
  /** The block's new body (a single command's without its `$ command` line). */
  output: string;
  /** For a session's blocks: what varies from run to run (its `varies:` lines). */
  varies: RegExp[];
}

/**
 * Runs a README's marked commands and sessions from its folder, one at a time.
 *
 * @param readme The README's text.
 * @param cwd The README's folder.
 * @param timeoutMs Time for each command or whole session.
 * @param onRun Called after each block, e.g. to report progress.
 * @returns One run per marked block, in order.
 */
export async function runTranscripts(
  readme: string,
  cwd: string,
  timeoutMs: number,
  onRun: (run: TranscriptRun) => void = () => {},
): Promise<TranscriptRun[]> {
  const runs: TranscriptRun[] = [];
  let session: (SessionResult & { varies: RegExp[] }) | undefined;
  for (const transcript of findTranscripts(readme)) {
    let run: TranscriptRun;
    if (transcript.kind === 'command') {
      run = { transcript, varies: [], ...(await runCommand(transcript.command, cwd, timeoutMs)) };
    } else if (transcript.kind === 'session') {
      session = await runTranscriptSession(transcript.command, cwd, timeoutMs);
      run = {
        transcript,
        exitCode: session.exitCode,
        output: session.output,
        varies: session.varies,
      };
    } else {
      const job = session?.jobs[Number(transcript.command.slice(1)) - 1];
      const output = job
        ? `$ ${job.command}\n${job.output}`
        : `no job ${transcript.command} in the session above`;
      run = {
        transcript,
        exitCode: job ? (session?.exitCode ?? 1) : 1,
        output,
        varies: session?.varies ?? [],
      };
    }
    onRun(run);
    runs.push(run);
  }
  return runs;
}

/**
 * What a refresh writes into a block: the new output; or the block's old text when the run
 * failed (a refresh never writes a broken transcript), or when the new output differs from it
 * only where the session says values vary (so ids and dates alone never churn a README).
 *
 * @param readme The README's text.
 * @param run One of its blocks, run.
 * @returns The block's body, as `fillTranscripts` takes it.
 */
export function refreshedOutput(readme: string, run: TranscriptRun): string {
  const old = blockOutput(readme, run.transcript);
  if (run.exitCode !== 0) return old;
  const unchanged =
    run.varies.length > 0 && sameApartFrom(old.trimEnd(), run.output.trimEnd(), run.varies);
  return unchanged ? old : run.output;
}

async function runTranscriptSession(text: string, cwd: string, timeoutMs: number) {
  try {
    const plan = parseSession(text);
    return { ...(await runSession(plan, cwd, timeoutMs)), varies: plan.varies };
  } catch (error) {
    return { exitCode: 1, output: `${(error as Error).message}\n`, jobs: [], varies: [] };
  }
}
