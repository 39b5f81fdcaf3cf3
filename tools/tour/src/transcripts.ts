/** README transcripts that are produced by running their commands, so docs cannot rot. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RUN_STEP } from './shell.ts';

/**
 * A marked block: `<!-- transcript: COMMAND -->` (one command), a session (the marker's text
 * spans lines: `$ command` steps, see session.ts), or `<!-- transcript: %1 -->` (the terminal of
 * the previous session's first background job).
 */
export interface Transcript {
  kind: 'command' | 'session' | 'job';
  /** The marker's text: the command, the session's lines, or `%N`. */
  command: string;
  /** Offsets of the fenced block's body (between the fences) in the README text. */
  start: number;
  end: number;
}

// The marker, then a fenced block right after it. The block's body is replaced on refresh.
const MARKER = /<!-- transcript:((?:(?!-->)[\s\S])*)-->\n```[a-z]*\n([\s\S]*?)```/g;

/**
 * Finds the marked transcripts in a README.
 *
 * @param readme The README's text.
 * @returns Each marker with where its block's body lies.
 */
export function findTranscripts(readme: string): Transcript[] {
  return [...readme.matchAll(MARKER)].map((match) => {
    const text = match[1] ?? '';
    const body = match[2] ?? '';
    const end = (match.index ?? 0) + match[0].length - 3;
    const command = text.trim();
    const kind: Transcript['kind'] = text.trimEnd().includes('\n')
      ? 'session'
      : /^%\d+$/.test(command)
        ? 'job'
        : 'command';
    return { kind, command, start: end - body.length, end };
  });
}

/**
 * Puts new outputs into a README's transcript blocks.
 *
 * @param readme The README's text.
 * @param outputs One output per transcript, in order (for a single command, without its
 *   `$ command` line: that is added; sessions and jobs show their own).
 * @returns The README with each block's body replaced.
 */
export function fillTranscripts(readme: string, outputs: string[]): string {
  const transcripts = findTranscripts(readme);
  let text = readme;
  // From the last block back, so earlier offsets stay valid.
  for (let i = transcripts.length - 1; i >= 0; i--) {
    const { kind, command, start, end } = transcripts[i] as Transcript;
    const output = `${(outputs[i] ?? '').replace(/\s+$/, '')}\n`;
    const body = kind === 'command' ? `$ ${command}\n${output}` : output;
    text = text.slice(0, start) + body + text.slice(end);
  }
  return text;
}

/**
 * The current body of a block, in the form `fillTranscripts` takes it back.
 *
 * @param readme The README's text.
 * @param transcript One of its blocks.
 * @returns The body, without the `$ command` line of a single command's block.
 */
export function blockOutput(readme: string, transcript: Transcript): string {
  const body = readme.slice(transcript.start, transcript.end);
  const first = `$ ${transcript.command}\n`;
  return transcript.kind === 'command' && body.startsWith(first) ? body.slice(first.length) : body;
}

/** What running a transcript's command gave. */
export interface CommandResult {
  exitCode: number;
  /** stdout and stderr interleaved as they came, colour codes removed. */
  output: string;
}

/** The environment transcripts run in: no colour, and CI's plain progress lines. */
export const TRANSCRIPT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  CI: 'true',
};

/**
 * Runs a README command in bash (failing as pipefail would) from the README's folder, with colour off, bounded in time.
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
    const script = `__step=$1\n${RUN_STEP}\nexit $__status`;
    // --norc: bash whose stdin is a socket (Node's pipes) would otherwise run ~/.bashrc
    // whenever SHLVL is unset, as it is under turbo.
    const child = spawn('bash', ['--norc', '-c', script, 'bash', command], {
      cwd,
      env: TRANSCRIPT_ENV,
      detached: true,
    });
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
      const clean = cleanOutput(output, cwd);
      resolve({ exitCode: timedOut ? 124 : (code ?? 1), output: clean });
    });
  });
}

/**
 * Makes output fit to show: CRLF line ends made LF, colour codes and pnpm's banner removed,
 * and paths inside the
 * repository shown relative to the README's folder (`./src/x.ts`, `../addressing/src/y.ts`),
 * as a reader's own run from that folder would name them.
 *
 * @param output Raw output.
 * @param cwd The README's folder.
 * @returns The output to show.
 */
export function cleanOutput(output: string, cwd: string): string {
  let text = output
    // Network protocols end lines with CRLF; a README's lines end with LF.
    .replaceAll('\r\n', '\n')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts a colour code
    .replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
    // pnpm's banner names this machine's folders: `> @netlab/x@0.1.0 demo /path` + command.
    .replace(/^> \S+@\S+ \S+ \/.*\n> .*\n\n?/gm, '');
  // The README's folder first, then each folder above it up to the repository's root.
  const root = repositoryRoot(cwd);
  let dir = cwd.replace(/\/$/, '');
  for (let up = './'; ; up = up === './' ? '../' : `${up}../`) {
    text = text.replaceAll(`${dir}/`, up);
    if (root === undefined || dir === root || dir === dirname(dir)) break;
    dir = dirname(dir);
  }
  return text;
}

/** The folder holding pnpm-workspace.yaml at or above `dir`, if any. */
function repositoryRoot(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'pnpm-workspace.yaml'))) return at;
    if (at === dirname(at)) return undefined;
  }
}
