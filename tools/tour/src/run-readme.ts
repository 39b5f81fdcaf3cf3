/** Runs every transcript of one README in order: commands, sessions, and their jobs' blocks. */
import { runSession, type SessionResult } from './run-session.ts';
import { parseSession } from './session.ts';
import { findTranscripts, runCommand, type Transcript } from './transcripts.ts';

/** One block's fresh text and whether it came out as written. */
export interface TranscriptRun {
  transcript: Transcript;
  /** 0 when the command (or every step of the session) ended as written. */
  exitCode: number;
  /** The block's new body (a single command's without its `$ command` line). */
  output: string;
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
  let session: SessionResult | undefined;
  for (const transcript of findTranscripts(readme)) {
    let run: TranscriptRun;
    if (transcript.kind === 'command') {
      run = { transcript, ...(await runCommand(transcript.command, cwd, timeoutMs)) };
    } else if (transcript.kind === 'session') {
      session = await runTranscriptSession(transcript.command, cwd, timeoutMs);
      run = { transcript, exitCode: session.exitCode, output: session.output };
    } else {
      const job = session?.jobs[Number(transcript.command.slice(1)) - 1];
      run = job
        ? {
            transcript,
            exitCode: session?.exitCode ?? 1,
            output: `$ ${job.command}\n${job.output}`,
          }
        : { transcript, exitCode: 1, output: `no job ${transcript.command} in the session above` };
    }
    onRun(run);
    runs.push(run);
  }
  return runs;
}

async function runTranscriptSession(text: string, cwd: string, timeoutMs: number) {
  try {
    return await runSession(parseSession(text), cwd, timeoutMs);
  } catch (error) {
    return { exitCode: 1, output: `${(error as Error).message}\n`, jobs: [] };
  }
}
