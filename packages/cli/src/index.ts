/** @netlab/cli: the command-line conventions every netlab app shares. */
export { parseCommandLine, parseInteger, scriptArgs } from './args.ts';
export { type BackoffWindow, backoffDelay } from './backoff.ts';
export { type ColorName, color, createColor, shouldColor } from './color.ts';
export { CodedError, type CodedErrorOptions, isCodedError, UsageError } from './errors.ts';
export { formatError, formatJsonError, type RunMainOptions, runMain } from './main.ts';
export { median } from './median.ts';
export { userCwd, userPath } from './paths.ts';
export {
  bytes,
  createProgress,
  duration,
  type Progress,
  type ProgressOptions,
} from './progress.ts';
export { scriptNodeFlags } from './script-flags.ts';
export { describeError, type ErrorReport } from './system-errors.ts';
