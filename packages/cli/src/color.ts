/** Terminal colours that switch themselves off for pipes, NO_COLOR and dumb terminals. */
import type { Writable } from 'node:stream';

type Paint = (text: string) => string;

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
} as const;

/** The colour names {@link createColor} offers. */
export type ColorName = keyof typeof codes;

/**
 * Decides whether to colour output written to a stream: never when NO_COLOR is set
 * (https://no-color.org), always when FORCE_COLOR is set to anything but `0`, otherwise only
 * on a TTY whose terminal is not `dumb`.
 *
 * @param stream The stream the coloured text goes to (default stdout).
 * @returns True when escape codes should be written.
 */
export function shouldColor(stream: Writable = process.stdout): boolean {
  const env = process.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return (stream as { isTTY?: boolean }).isTTY === true && env.TERM !== 'dumb';
}

/**
 * Makes a set of colour functions for one stream.
 *
 * @param enabled Whether to emit escape codes (see {@link shouldColor}).
 * @returns One function per colour name; each returns its input unchanged when disabled.
 * @example
 * const c = createColor(shouldColor(process.stderr));
 * process.stderr.write(`${c.red('error')} connection refused\n`);
 */
export function createColor(enabled: boolean): Record<ColorName, Paint> {
  const paints = {} as Record<ColorName, Paint>;
  for (const [name, [open, close]] of Object.entries(codes)) {
    paints[name as ColorName] = enabled
      ? (text) => `\u001b[${open}m${text}\u001b[${close}m`
      : (text) => text;
  }
  return paints;
}

/** Colours for standard output, decided once at start-up. */
export const color: Record<ColorName, Paint> = createColor(shouldColor());
