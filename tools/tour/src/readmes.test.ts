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
      expectBlocksShowTheirMarkers(readme);
      const runs = await runTranscripts(readme, dirname(file), 300_000);
      for (const run of runs) {
        expect(run.exitCode, `${run.transcript.command}\n${run.output.slice(-3000)}`).toBe(0);
      }
    },
    900_000,
  );
});

/** Each block was refreshed since its marker last changed: it shows the marked commands. */
function expectBlocksShowTheirMarkers(readme: string): void {
  let jobs: string[] = [];
  for (const transcript of findTranscripts(readme)) {
    const body = blockOutput(readme, transcript);
    if (transcript.kind === 'command') {
      const shown = readme.slice(transcript.start).startsWith(`$ ${transcript.command}\n`);
      expect(shown, `the block shows $ ${transcript.command}`).toBe(true);
    } else if (transcript.kind === 'job') {
      const command = jobs[Number(transcript.command.slice(1)) - 1];
      expect(body.startsWith(`$ ${command}\n`), `${transcript.command} shows $ ${command}`).toBe(
        true,
      );
    } else {
      const steps = parseSession(transcript.command).steps;
      jobs = steps.filter((s) => s.background).map((s) => s.command.replace(/\s*&\s*$/, ''));
      let at = 0;
      for (const { command } of steps) {
        at = body.indexOf(`$ ${command}\n`, at);
        expect(at, `the block shows $ ${command}`).toBeGreaterThanOrEqual(0);
      }
    }
  }
}
