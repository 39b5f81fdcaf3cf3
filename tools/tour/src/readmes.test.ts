/** Every command marked in a README still runs: docs cannot rot. */
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { findReadmes, findTranscripts, runCommand } from './index.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cases: [string, string, string][] = [];
for (const file of findReadmes(root)) {
  const readme = await readFile(file, 'utf8');
  for (const { command } of findTranscripts(readme)) {
    cases.push([relative(root, file), command, file]);
  }
}

describe.sequential('README transcripts', () => {
  test('the READMEs mark commands to check', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  test.each(cases)(
    '%s: `%s` still runs',
    async (_name, command, file) => {
      const result = await runCommand(command, dirname(file), 180_000);
      expect(result.exitCode, result.output.slice(-3000)).toBe(0);
    },
    200_000,
  );
});
