/** node:util parseArgs, strict, with its errors turned into UsageError (exit code 2). */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

/**
 * Parses a command line strictly: unknown flags, missing values and stray positionals become
 * a {@link UsageError} (exit code 2) instead of node's TypeError.
 *
 * @param config The same config as `util.parseArgs` (`strict` is forced on).
 * @returns What `util.parseArgs` returns.
 * @throws {UsageError} When the command line does not fit the config.
 * @example
 * const { values, positionals } = parseCommandLine({
 *   args: argv,
 *   options: { port: { type: 'string' }, json: { type: 'boolean' } },
 *   allowPositionals: true,
 * });
 */
export function parseCommandLine<const T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs({ ...config, strict: true } as T & { strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(`${(error as Error).message} (try --help)`, { cause: error });
    }
    throw error;
  }
}

/**
 * Parses a whole-number option value within a range.
 *
 * @param name The option's name, for the error message (`--limit`).
 * @param text The value as typed.
 * @param range Inclusive bounds (default 0 to Number.MAX_SAFE_INTEGER).
 * @returns The number.
 * @throws {UsageError} When the text is not a whole number within the range.
 * @example
 * const limit = parseInteger('--limit', values.limit ?? '20', { min: 1 });
 */
export function parseInteger(
  name: string,
  text: string,
  range: { min?: number; max?: number } = {},
): number {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} takes a whole number from ${min} to ${max}, not '${text}'`);
  }
  return value;
}

/**
 * The arguments a package script was given, without the `--` pnpm passes along:
 * `pnpm --filter app mail -- list --json` runs `main.ts -- list --json`, and
 * `pnpm --filter app collector -- --help` runs `main.ts collector -- --help`. Left in, that
 * `--` would end option parsing, and {@link runMain} would not see a `--json` after it. A `--`
 * further on (`exec host -- cmd`) is the command's own and stays.
 *
 * @param argv The arguments (default `process.argv.slice(2)`).
 * @returns The arguments without a `--` before or right after the command name.
 * @example
 * scriptArgs(['collector', '--', '--help']); // ['collector', '--help']
 */
export function scriptArgs(argv: string[] = process.argv.slice(2)): string[] {
  const drop = (args: string[]) => (args[0] === '--' ? args.slice(1) : args);
  const [name, ...more] = drop(argv);
  return name === undefined ? [] : [name, ...drop(more)];
}
