/** `exec -H h1,h2 CMD` / `--hosts-file`: one command on many hosts, prefixed lines, a summary. */
import { color, parseInteger, UsageError } from '@netlab/cli';
import { connectionSettings, readTargets } from './cli-common.ts';

export async function execOnMany(
  values: Record<string, unknown>,
  positionals: string[],
): Promise<number> {
  if (positionals.length === 0) throw new UsageError('exec: missing COMMAND (try --help)');
  const targets = readTargets(
    values.hosts as string | undefined,
    values['hosts-file'] as string | undefined,
    values,
  );
  if (targets.length === 0) throw new UsageError('exec: no hosts given');
  const concurrency = parseInteger('--concurrency', (values.concurrency as string) ?? '10', {
    min: 1,
    max: 1000,
  });
  const timeoutMs =
    parseInteger('--timeout', (values.timeout as string) ?? '60', { min: 1, max: 86_400 }) * 1000;
  const json = values.json === true;
  const base = await connectionSettings(values);
  const { execMany, summaryTable } = await import('./multi.ts');
  const captured = new Map<string, { stdout: string[]; stderr: string[] }>();
  const results = await execMany(targets, positionals.join(' '), {
    concurrency,
    timeoutMs,
    base,
    pty: values.tty === true,
    onLine: (t, stream, line) => {
      if (json) {
        const c = captured.get(t.label) ?? { stdout: [], stderr: [] };
        captured.set(t.label, c);
        c[stream].push(line);
        return;
      }
      const prefix = stream === 'stderr' ? color.red(`${t.label} |`) : color.cyan(`${t.label} |`);
      (stream === 'stderr' ? process.stderr : process.stdout).write(`${prefix} ${line}\n`);
    },
  });
  if (json) {
    const rows = results.map((r) => ({
      ...r,
      durationMs: Math.round(r.durationMs),
      ...captured.get(r.host),
    }));
    process.stdout.write(`${JSON.stringify(rows)}\n`);
  } else process.stdout.write(`${summaryTable(results)}\n`);
  return results.every((r) => r.exitCode === 0) ? 0 : 1;
}
