/** Colour on and off: escape codes, NO_COLOR, FORCE_COLOR and TTY detection. */
import { afterEach, describe, expect, test } from 'vitest';
import { createColor, shouldColor } from './index.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('colour', () => {
  test('wraps text in escape codes only when enabled', () => {
    expect(createColor(true).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(createColor(false).red('x')).toBe('x');
  });

  test('NO_COLOR wins over a TTY, FORCE_COLOR over a pipe', () => {
    const tty = { isTTY: true } as unknown as NodeJS.WritableStream;
    const pipe = {} as unknown as NodeJS.WritableStream;
    process.env.NO_COLOR = '1';
    delete process.env.FORCE_COLOR;
    expect(shouldColor(tty as never)).toBe(false);
    delete process.env.NO_COLOR;
    process.env.FORCE_COLOR = '1';
    expect(shouldColor(pipe as never)).toBe(true);
    delete process.env.FORCE_COLOR;
    process.env.TERM = 'xterm';
    expect(shouldColor(pipe as never)).toBe(false);
    expect(shouldColor(tty as never)).toBe(true);
  });
});
