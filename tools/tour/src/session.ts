/** A scripted README session: the steps written in its marker, parsed into a plan. */

import { CodedError } from '@netlab/cli';

/** One `$ command` line of a session and the indented options under it. */
export interface Step {
  /** The command as written and shown (`pnpm --silent collector --port 8125 &`). */
  command: string;
  /** Started in the background (`&` at the end): its output goes to a `%N` block instead. */
  background: boolean;
  /** Exit code the step must end with (`exit: 2`); shown as `[exit 2]` when not 0. */
  exit: number;
  /** `wait for: REGEX`: after the step, wait until the latest background job prints a match. */
  waitFor?: RegExp;
  /** `wait for %2: REGEX`: the job to wait on (1 for `%1`), when not the latest. */
  waitJob?: number;
}

/** A parsed session: the ports to stand in for, the replacements, what varies, the steps. */
export interface Session {
  /** `ports: 8125 9102`: each is replaced by a free port when run, and shown as written. */
  ports: number[];
  /** `replace: REGEX => TEXT`: applied to everything shown, after the built-in ones. */
  replacements: [RegExp, string][];
  /**
   * `varies: REGEX`: text that differs from run to run (ids, dates, measured numbers). A
   * refresh whose output differs from the block only there keeps the block as it is.
   */
  varies: RegExp[];
  steps: Step[];
}

/** A session marker that cannot be run as written. */
export class SessionError extends CodedError<'ERR_SESSION'> {
  override readonly name = 'SessionError';

  /** @param message What is wrong with the marker, and where. */
  constructor(message: string) {
    super('ERR_SESSION', message);
  }
}

// A command ends with a lone `&` (not `&&`) when it is to run in the background.
const BACKGROUND = /(?<!&)&\s*$/;

/**
 * Parses the text of a session marker.
 *
 * @param text The marker's lines after `<!-- transcript:`.
 * @returns The plan.
 * @throws {SessionError} On an unknown line or option, or a bad regular expression.
 * @example
 * parseSession('ports: 8125\n$ pnpm --silent collector --port 8125 &\n  wait for: ^collector:');
 */
export function parseSession(text: string): Session {
  const session: Session = { ports: [], replacements: [], varies: [], steps: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    const step = session.steps.at(-1);
    if (line.startsWith('$ ')) {
      const command = line.slice(2).trim();
      session.steps.push({ command, background: BACKGROUND.test(command), exit: 0 });
    } else if (/^\s/.test(line) && step) {
      stepOption(step, line.trim());
    } else {
      sessionOption(session, line);
    }
  }
  if (session.steps.length === 0) throw new SessionError('a session needs at least one $ line');
  return session;
}

function stepOption(step: Step, line: string): void {
  const [name, value] = splitOption(line);
  if (name === 'exit' && /^\d+$/.test(value)) step.exit = Number(value);
  else if (/^wait for( %\d+)?$/.test(name)) {
    step.waitFor = regex(value, 'm');
    if (name !== 'wait for') step.waitJob = Number(name.slice('wait for %'.length));
  } else {
    throw new SessionError(`unknown step option "${line}" (exit: N, wait for [%N]: REGEX)`);
  }
}

function sessionOption(session: Session, line: string): void {
  const [name, value] = splitOption(line);
  if (name === 'ports' && /^\d+( \d+)*$/.test(value)) {
    session.ports.push(...value.split(' ').map(Number));
  } else if (name === 'replace' && value.includes(' => ')) {
    const [pattern = '', text = ''] = value.split(' => ');
    session.replacements.push([regex(pattern, 'g'), text]);
  } else if (name === 'varies' && value !== '') {
    session.varies.push(regex(value, 'g'));
  } else {
    throw new SessionError(
      `unknown session line "${line}" (ports:, replace:, varies:, or $ command)`,
    );
  }
}

function splitOption(line: string): [string, string] {
  const colon = line.indexOf(':');
  return colon < 0 ? [line, ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

function regex(source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new SessionError(`bad regular expression /${source}/: ${(error as Error).message}`);
  }
}

/**
 * Swaps numbers in a text by whole words (a port as a number, never inside a longer one).
 *
 * @param text The text.
 * @param pairs `[from, to]` pairs, applied at once so a swap never feeds the next.
 * @returns The text with each `from` replaced by its `to`.
 */
export function swapNumbers(text: string, pairs: [number, number][]): string {
  if (pairs.length === 0) return text;
  const map = new Map(pairs.map(([from, to]) => [String(from), String(to)]));
  const any = new RegExp(`(?<![\\d.])(${[...map.keys()].join('|')})(?![\\d])`, 'g');
  return text.replace(any, (found) => map.get(found) ?? found);
}

/**
 * Whether two texts are the same once every part that varies from run to run is set aside
 * (and the width of the spaces around it).
 *
 * @param a One text.
 * @param b The other.
 * @param varies The patterns of what varies (global regular expressions).
 * @returns True when they differ only where a pattern matches.
 * @example
 * sameApartFrom('pid 12', 'pid 345', [/\d+/g]); // true
 */
export function sameApartFrom(a: string, b: string, varies: RegExp[]): boolean {
  // Runs of spaces too: a number of another width moves the columns of a table.
  const mask = (text: string) =>
    varies.reduce((t, re) => t.replace(re, '\u0000'), text).replace(/[ \t]+/g, ' ');
  return mask(a) === mask(b);
}
