/** README transcripts: finding and filling marked blocks, running commands bounded. */
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  fillTranscripts,
  findTranscripts,
  refreshedOutput,
  runCommand,
  runTranscripts,
} from './index.ts';

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
    expect((await runCommand('false | cat', '/tmp', 10_000)).exitCode).toBe(1);
    // A reader that stops early (SIGPIPE for the writer) is not a failure; a syntax error is.
    expect(await runCommand('yes | head -n 1', '/tmp', 10_000)).toEqual({
      exitCode: 0,
      output: 'y\n',
    });
    expect((await runCommand('echo (', '/tmp', 10_000)).exitCode).toBe(2);
  });

  test('a command that outlives its time is killed with its children', async () => {
    const result = await runCommand('sleep 30 & sleep 30', '/tmp', 300);
    expect(result.exitCode).toBe(124);
  });

  test('shows paths below the folder relative to it', async () => {
    expect((await runCommand('echo /tmp/x/out', '/tmp', 10_000)).output).toBe('./x/out\n');
  });

  test('shows paths elsewhere in the repository relative to the folder too', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');
    const command = `echo ${root}/tools/tour/src ${root}/packages/cli/x ${root}/README.md`;
    expect((await runCommand(command, `${root}/tools/tour`, 10_000)).output).toBe(
      './src ../../packages/cli/x ../../README.md\n',
    );
  });

  test("strips colour codes and pnpm's banner", async () => {
    const banner =
      "printf '> @netlab/x@0.1.0 demo /work/x\\n> tsx src/demo.ts\\n\\n\\033[32mok\\033[39m\\n'";
    expect((await runCommand(banner, '/tmp', 10_000)).output).toBe('ok\n');
    expect((await runCommand("printf 'a\\r\\nb\\r\\n'", '/tmp', 10_000)).output).toBe('a\nb\n');
  });

  test('a marker of several lines is a session; %N shows its background job', async () => {
    const text = [
      '<!-- transcript: echo one -->',
      '```',
      '```',
      '<!-- transcript:',
      '$ (echo started; echo done) &',
      '  wait for: done',
      '$ echo two',
      '-->',
      '```text',
      'old',
      '```',
      '<!-- transcript: %1 -->',
      '```',
      '```',
      '<!-- transcript: %2 -->',
      '```',
      '```',
    ].join('\n');
    expect(findTranscripts(text).map((t) => t.kind)).toEqual(['command', 'session', 'job', 'job']);
    const runs = await runTranscripts(text, '/tmp', 30_000);
    expect(runs.map((run) => run.exitCode)).toEqual([0, 0, 0, 1]);
    const filled = fillTranscripts(
      text,
      runs.map((run) => run.output),
    );
    expect(filled).toContain('-->\n```text\n$ (echo started; echo done) &\n$ echo two\ntwo\n```');
    expect(filled).toContain('%1 -->\n```\n$ (echo started; echo done)\nstarted\ndone\n```');
  });

  test('a refresh keeps a block that changed only where values vary, or whose run failed', async () => {
    const text = (body: string, line = 'varies: \\d+') =>
      ['<!-- transcript:', line, '$ echo pid $$', '-->', '```', body, '```'].join('\n');
    const refresh = async (readme: string) => {
      const [run] = await runTranscripts(readme, '/tmp', 30_000);
      return run && refreshedOutput(readme, run);
    };
    expect(await refresh(text('$ echo pid $$\npid 1'))).toBe('$ echo pid $$\npid 1\n');
    expect(await refresh(text('$ echo pid $$\nppid 1'))).toMatch(/^\$ echo pid \$\$\npid \d+\n$/);
    expect(await refresh(text('old', 'replace: x => y'))).not.toBe('old\n');
    expect(await refresh(text('old', 'bogus: 1'))).toBe('old\n');
  });
});
