/** parseCommandLine and parseInteger: strict flags, usage errors with ERR_USAGE. */
import { describe, expect, test } from 'vitest';
import { parseCommandLine, parseInteger, scriptArgs } from './index.ts';

describe('parseCommandLine', () => {
  const options = { port: { type: 'string' }, json: { type: 'boolean' } } as const;

  test('parses known flags and positionals', () => {
    const { values, positionals } = parseCommandLine({
      args: ['--port', '80', '--json', 'host'],
      options,
      allowPositionals: true,
    });
    expect(values).toEqual({ port: '80', json: true });
    expect(positionals).toEqual(['host']);
  });

  test.each([[['--nope']], [['--port']], [['stray']]])('turns %j into ERR_USAGE', (args) => {
    expect(() => parseCommandLine({ args, options })).toThrow(
      expect.objectContaining({ code: 'ERR_USAGE' }),
    );
  });
});

describe('parseInteger', () => {
  test('accepts whole numbers within the range', () => {
    expect(parseInteger('--limit', '20', { min: 1, max: 100 })).toBe(20);
    expect(parseInteger('--offset', ' 0 ')).toBe(0);
  });

  test.each(['', 'x', '1.5', '1e3', '101', '0', '99999999999999999999'])('rejects %j', (text) => {
    expect(() => parseInteger('--limit', text, { min: 1, max: 100 })).toThrow(
      expect.objectContaining({ code: 'ERR_USAGE' }),
    );
  });
});

describe('scriptArgs', () => {
  test('drops the -- pnpm passes before or right after the command name', () => {
    expect(scriptArgs(['--', 'list', '--json'])).toEqual(['list', '--json']);
    expect(scriptArgs(['collector', '--', '--help'])).toEqual(['collector', '--help']);
    expect(scriptArgs(['--', 'crawl', '--', 'http://x/'])).toEqual(['crawl', 'http://x/']);
  });

  test("keeps a -- further on, which is the command's own", () => {
    expect(scriptArgs(['exec', 'host', '--', 'ls', '--json'])).toEqual([
      'exec',
      'host',
      '--',
      'ls',
      '--json',
    ]);
    expect(scriptArgs([])).toEqual([]);
    expect(scriptArgs(['--'])).toEqual([]);
  });
});
