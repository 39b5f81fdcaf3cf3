/** runMain: the one place where a command's errors become a line on stderr and an exit code. */
import { debuglog } from 'node:util';
import { UsageError } from './errors.ts';
import { describeError } from './system-errors.ts';

/** Options for {@link runMain}. */
export interface RunMainOptions {
  /** The command's name, printed before every error line (`tcp-chat: ERR_...`). */
  name: string;
  /** The arguments (default `process.argv.slice(2)`). */
  argv?: string[];
}

/**
 * Runs a command-line entry point with netlab's exit-code conventions: 0 on success (or the
 * number `main` returns), 2 for a {@link UsageError}, 1 for anything else. An error prints one
 * line (`name: CODE message`), or with `--json` one JSON object (`{"error":{code,message,hint}}`);
 * Node's system errors (`EADDRINUSE`...) get a stable `ERR_` code and a hint. The stack and
 * causes follow only with `--trace` or `NODE_DEBUG=<name>`. A closed stdout (`| head`) ends
 * the command quietly.
 *
 * @param main The command; receives the arguments, may resolve to a numeric exit code.
 * @param options The command's name and, for tests, the arguments.
 * @returns A promise that settles once `main` has, with `process.exitCode` set.
 * @example
 * runMain(async (argv) => {
 *   const { values } = parseCommandLine({ args: argv, options: { json: { type: 'boolean' } } });
 *   console.log(values.json ? '{}' : 'hello');
 * }, { name: 'hello' });
 */
export async function runMain(
  main: (argv: string[]) => Promise<unknown>,
  options: RunMainOptions,
): Promise<void> {
  const argv = options.argv ?? process.argv.slice(2);
  const verbose = argv.includes('--trace') || debuglog(options.name).enabled;
  // Only flags before a `--` belong to the command; what follows is data (a remote command).
  const end = argv.indexOf('--');
  const json = (end === -1 ? argv : argv.slice(0, end)).includes('--json');
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (`mail list | head`): nothing left to say, and not a failure.
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    const code = await main(argv);
    if (typeof code === 'number') process.exitCode = code;
  } catch (error) {
    const text = json ? formatJsonError(error) : formatError(options.name, error, verbose);
    process.stderr.write(`${text}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

/**
 * Renders an error the way {@link runMain} prints it.
 *
 * @param name The command's name.
 * @param error What was thrown.
 * @param verbose Whether to append the stack and the chain of causes.
 * @returns One line, or more when verbose.
 */
export function formatError(name: string, error: unknown, verbose = false): string {
  const { code, message, hint } = describeError(error);
  let text = `${name}: ${code === undefined ? '' : `${code} `}${message}`;
  if (hint !== undefined) text += ` (${hint})`;
  if (!verbose) return text;
  let current: unknown = error;
  while (current instanceof Error) {
    text += `\n${current.stack ?? current.message}`;
    current = current.cause;
    if (current !== undefined) text += '\ncaused by:';
  }
  return text;
}

/**
 * Renders an error as `--json` commands print it: one JSON object on one line,
 * `{"error":{"code":"ERR_...","message":"...","hint":"..."}}` (`hint` only when known).
 *
 * @param error What was thrown.
 * @returns The JSON text, without a newline.
 * @example
 * formatJsonError(new UsageError('missing HOST')); // '{"error":{"code":"ERR_USAGE","message":"missing HOST"}}'
 */
export function formatJsonError(error: unknown): string {
  const { code = 'ERR_UNEXPECTED', message, hint } = describeError(error);
  return JSON.stringify({ error: { code, message, ...(hint === undefined ? {} : { hint }) } });
}
