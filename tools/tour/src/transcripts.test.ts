/** README transcripts: finding and filling marked blocks, running commands bounded. */
import { describe, expect, test } from 'vitest';
import { fillTranscripts, findTranscripts, runCommand } from './index.ts';

const readme = [
  '# app',
  '',
  '<!-- transcript: echo one -->',
  '```text',
  'stale output',
  '```',
  '',
  'Prose between.',
  '',
  '<!-- transcript: printf "a\\nb" -->',
  '```',
  '```',
  '',
  '```sh',
  'not marked',
  '```',
].join('\n');

describe('transcripts', () => {
  test('finds each marked command and its block', () => {
    const found = findTranscripts(readme);
    expect(found.map((t) => t.command)).toEqual(['echo one', 'printf "a\\nb"']);
    expect(readme.slice(found[0]?.start, found[0]?.end)).toBe('stale output\n');
    expect(readme.slice(found[1]?.start, found[1]?.end)).toBe('');
  });

  test('fills the blocks with the command and its output, leaving the rest alone', () => {
    const text = fillTranscripts(readme, ['one\n', 'a\nb']);
    expect(text).toContain('<!-- transcript: echo one -->\n```text\n$ echo one\none\n```');
    expect(text).toContain('```\n$ printf "a\\nb"\na\nb\n```');
    expect(text).toContain('Prose between.');
    expect(text).toContain('```sh\nnot marked\n```');
    expect(fillTranscripts(text, ['one\n', 'a\nb'])).toBe(text);
  });

  test('runs a command in a folder and reports its exit code and output', async () => {
    const ok = await runCommand('pwd; echo err >&2', '/tmp', 10_000);
    expect(ok).toEqual({ exitCode: 0, output: expect.stringMatching(/^\/tmp\n/) });
    expect(ok.output).toContain('err');
    expect((await runCommand('exit 7', '/tmp', 10_000)).exitCode).toBe(7);
  });

  test('a command that outlives its time is killed with its children', async () => {
    const result = await runCommand('sleep 30 & sleep 30', '/tmp', 300);
    expect(result.exitCode).toBe(124);
  });

  test('shows paths below the folder relative to it', async () => {
    expect((await runCommand('echo /tmp/x/out', '/tmp', 10_000)).output).toBe('./x/out\n');
  });

  test("strips colour codes and pnpm's banner", async () => {
    const banner =
      "printf '> @netlab/x@0.1.0 demo /work/x\\n> tsx src/demo.ts\\n\\n\\033[32mok\\033[39m\\n'";
    expect((await runCommand(banner, '/tmp', 10_000)).output).toBe('ok\n');
  });
});
