/** `pnpm transcripts`: refresh every README transcript by running its command, or `--check` them. */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, runMain } from '@netlab/cli';
import { fillTranscripts, findReadmes, refreshedOutput, runTranscripts } from './index.ts';

const HELP = `Usage: pnpm transcripts [--check] [README...]

Runs each command marked in a README with <!-- transcript: COMMAND --> (from the README's
folder) and writes its output into the fenced block that follows; a marker of several
\`$ command\` lines is a scripted session (see tools/tour/README.md). With --check, only runs
them and fails if any does not end as written. A block that fails keeps its old text.

  --check         run, do not rewrite; exit 1 if a command fails
  --timeout SECS  how long one command or session may run (default 300)
  -h, --help      show this help

Example: pnpm transcripts apps/tcp-chat/README.md
`;

const root = fileURLToPath(new URL('../../..', import.meta.url));

runMain(
  async (argv) => {
    const { values, positionals } = parseCommandLine({
      args: argv.filter((arg) => arg !== '--'),
      options: {
        check: { type: 'boolean' },
        timeout: { type: 'string', default: '300' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const cwd = process.env.INIT_CWD ?? process.cwd();
    const files = positionals.length ? positionals.map((p) => resolve(cwd, p)) : findReadmes(root);
    let failures = 0;
    for (const file of files) {
      const readme = await readFile(file, 'utf8');
      const runs = await runTranscripts(
        readme,
        dirname(file),
        Number(values.timeout) * 1000,
        (run) => {
          const status = run.exitCode === 0 ? 'ok' : `FAILED (exit ${run.exitCode})`;
          const name =
            run.transcript.command.split('\n').find((l) => l.startsWith('$ ')) ??
            run.transcript.command;
          process.stdout.write(`${relative(root, file)}: ${name} ... ${status}\n`);
          if (run.exitCode !== 0) {
            failures += 1;
            process.stdout.write(`${run.output.split('\n').slice(-20).join('\n')}\n`);
          }
        },
      );
      const outputs = runs.map((run) => refreshedOutput(readme, run));
      if (!values.check && runs.length > 0) await writeFile(file, fillTranscripts(readme, outputs));
    }
    return failures === 0 ? 0 : 1;
  },
  { name: 'transcripts' },
);
