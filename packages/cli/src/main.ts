/** runMain: the one place where a command's errors become a line on stderr and an exit code. */
import { debuglog } from 'node:util';
import { isCodedError, UsageError } from './errors.ts';

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
 * line (`name: CODE message`); the stack and causes follow only with `--trace` or
 * `NODE_DEBUG=<name>`. A closed stdout (`| head`) ends the command quietly.
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
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (`mail list | head`): nothing left to say, and not a failure.
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    const code = await main(argv);
    if (typeof code === 'number') process.exitCode = code;
  } catch (error) {
    process.stderr.write(`${formatError(options.name, error, verbose)}\n`);
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
  const code = isCodedError(error) ? `${error.code} ` : '';
  const message = error instanceof Error ? error.message : String(error);
  let text = `${name}: ${code}${message}`;
  if (!verbose) return text;
  let current: unknown = error;
  while (current instanceof Error) {
    text += `\n${current.stack ?? current.message}`;
    current = current.cause;
    if (current !== undefined) text += '\ncaused by:';
  }
  return text;
}
