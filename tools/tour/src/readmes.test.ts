/** Every command and session marked in a README still runs as written: docs cannot rot. */
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  blockOutput,
  findReadmes,
  findTranscripts,
  parseSession,
  runTranscripts,
} from './index.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cases: [string, number, string][] = [];
for (const file of findReadmes(root)) {
  const count = findTranscripts(await readFile(file, 'utf8')).length;
  if (count > 0) cases.push([relative(root, file), count, file]);
}

describe.sequential('README transcripts', () => {
  test('the READMEs mark commands to check', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  test.each(cases)(
    '%s: %i marked blocks still run as written',
    async (_name, _count, file) => {
      const readme = await readFile(file, 'utf8');
      for (const transcript of findTranscripts(readme)) {
        // The block was refreshed since its marker last changed: it shows the marked commands.
        const body = blockOutput(readme, transcript);
        const commands =
          transcript.kind === 'session'
            ? parseSession(transcript.command).steps.map((step) => step.command)
            : [];
        let at = 0;
        for (const command of commands) {
          at = body.indexOf(`$ ${command}\n`, at);
          expect(at, `block of ${transcript.command} shows $ ${command}`).toBeGreaterThanOrEqual(0);
        }
        if (transcript.kind !== 'command') continue;
        expect(readme.slice(transcript.start).startsWith(`$ ${transcript.command}\n`)).toBe(true);
      }
      const runs = await runTranscripts(readme, dirname(file), 300_000);
      for (const run of runs) {
        expect(run.exitCode, `${run.transcript.command}\n${run.output.slice(-3000)}`).toBe(0);
      }
    },
    900_000,
  );
});
