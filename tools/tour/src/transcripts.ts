/** README transcripts that are produced by running their commands, so docs cannot rot. */
import { spawn } from 'node:child_process';

/** A command marked in a README and the fenced block that shows its output. */
export interface Transcript {
  /** The shell command, as marked: `<!-- transcript: pnpm demo tcp-chat -->`. */
  command: string;
  /** Offsets of the fenced block's body (between the fences) in the README text. */
  start: number;
  end: number;
}

// The marker line, then a fenced block right after it. The block's body is replaced on refresh.
const MARKER = /<!-- transcript: (.+?) -->\n```[a-z]*\n([\s\S]*?)```/g;

/**
 * Finds the marked transcripts in a README.
 *
 * @param readme The README's text.
 * @returns Each marked command with where its block's body lies.
 */
export function findTranscripts(readme: string): Transcript[] {
  return [...readme.matchAll(MARKER)].map((match) => {
    const body = match[2] ?? '';
    const end = (match.index ?? 0) + match[0].length - 3;
    return { command: (match[1] ?? '').trim(), start: end - body.length, end };
  });
}

/**
 * Puts new outputs into a README's transcript blocks.
 *
 * @param readme The README's text.
 * @param outputs One output per transcript, in order.
 * @returns The README with each block's body replaced by `$ command` and its output.
 */
export function fillTranscripts(readme: string, outputs: string[]): string {
  const transcripts = findTranscripts(readme);
  let text = readme;
  // From the last block back, so earlier offsets stay valid.
  for (let i = transcripts.length - 1; i >= 0; i--) {
    const { command, start, end } = transcripts[i] as Transcript;
    const body = `$ ${command}\n${(outputs[i] ?? '').replace(/\s+$/, '')}\n`;
    text = text.slice(0, start) + body + text.slice(end);
  }
  return text;
}

/** What running a transcript's command gave. */
export interface CommandResult {
  exitCode: number;
  /** stdout and stderr interleaved as they came, colour codes removed. */
  output: string;
}

/**
 * Runs a README command in a shell from the README's folder, with colour off, bounded in time.
 *
 * @param command The shell command.
 * @param cwd The README's folder.
 * @param timeoutMs How long it may run before it is killed (exit code 124).
 * @returns The exit code and output.
 */
export function runCommand(
  command: string,
  cwd: string,
  timeoutMs: number,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' };
    const child = spawn('sh', ['-c', command], { cwd, env, detached: true });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The whole process group: pnpm, tsx and whatever server the command started.
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const clean = output
        // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts a colour code
        .replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
        // pnpm's banner names this machine's folders: `> @netlab/x@0.1.0 demo /path` + command.
        .replace(/^> \S+@\S+ \S+ \/.*\n> .*\n\n?/gm, '')
        // Paths below the README's folder are shown relative to it, as a reader's would be.
        .replaceAll(`${cwd.replace(/\/$/, '')}/`, './');
      resolve({ exitCode: timedOut ? 124 : (code ?? 1), output: clean });
    });
  });
}
