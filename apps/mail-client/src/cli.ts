/** The mail command line as a function: parse, load the account, connect, run, close. */
import { parseCommandLine, scriptArgs, UsageError, userPath } from '@netlab/cli';
import { COMMON_OPTIONS, type Command, commandHelp, createOutput, optString } from './command.ts';
import { COMMANDS, LOCAL_COMMANDS } from './commands/index.ts';
import { defaultConfigPath, loadConfig, selectAccount } from './config.ts';
import { secondsToMs } from './deadline.ts';

function usage(env: NodeJS.ProcessEnv): string {
  const width = Math.max(...[...COMMANDS, ...LOCAL_COMMANDS].map((c) => c.name.length));
  const line = (c: { name: string; summary: string }) => `  ${c.name.padEnd(width)}  ${c.summary}`;
  return [
    'usage: mail <command> [options]    (mail <command> --help for its options)',
    '',
    'An IMAP/SMTP mail client: scriptable, --json everywhere, TLS verification on.',
    '',
    'commands:',
    ...COMMANDS.map(line),
    '',
    'local mail stack:',
    ...LOCAL_COMMANDS.map(line),
    '',
    `accounts live in ${defaultConfigPath(env)} (or --config FILE).`,
    '',
    'example: pnpm --filter mail-client mail -- list --folder INBOX --limit 10',
  ].join('\n');
}

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const PROCESS_IO: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/**
 * Runs one `mail` command line and resolves to its exit code; errors are thrown for
 * `runMain` to print (UsageError: exit 2, coded errors: exit 1).
 */
export async function runCli(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  const [name, ...rest] = scriptArgs(argv);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage(io.env)}\n`);
    return name === undefined ? 2 : 0;
  }
  const local = LOCAL_COMMANDS.find((c) => c.name === name);
  if (local) return local.run(rest);
  const command: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command '${name}' (try --help)`);
  const { values, positionals } = parseCommandLine({
    args: rest,
    options: { ...COMMON_OPTIONS, ...command.options },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const timeout = optString(values, 'timeout');
  const timeoutMs = timeout === undefined ? undefined : secondsToMs(timeout);
  if (timeout !== undefined && timeoutMs === undefined)
    throw new UsageError(`--timeout takes seconds from 0.1 to 3600, not '${timeout}'`);
  // Paths typed by the user start where they ran the command (INIT_CWD under pnpm).
  const configFile = optString(values, 'config');
  const config = loadConfig(configFile ? userPath(configFile, io.env) : defaultConfigPath(io.env));
  const account = selectAccount(config, optString(values, 'account'));
  const out = createOutput(Boolean(values.json), io.stdout, io.stderr);
  const ca = optString(values, 'ca');
  // imapflow and nodemailer load only now, after --help: `mail --help` starts in a blink.
  const { connect } = await import('./client.ts');
  const session = await connect({
    account,
    ...(ca ? { ca: userPath(ca, io.env) } : {}),
    timeoutMs: timeoutMs ?? config.timeoutMs,
    ...(values.trace ? { trace: (line: string) => io.stderr.write(`${line}\n`) } : {}),
    env: io.env,
    autoIdle: false,
    listingOnly: command.listingOnly === true,
  });
  try {
    return (await command.run({ values, positionals, session, out })) ?? 0;
  } finally {
    await session.close();
  }
}
