/** mail: the command line (the only module with side effects). */
import { parseCommandLine, runMain, UsageError } from '@netlab/cli';
import { connect } from './client.ts';
import { COMMON_OPTIONS, type Command, commandHelp, createOutput, optString } from './command.ts';
import { COMMANDS, LOCAL_COMMANDS } from './commands/index.ts';
import { defaultConfigPath, loadConfig, selectAccount } from './config.ts';
import { stderrSink } from './trace.ts';

function usage(): string {
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
    `accounts live in ${defaultConfigPath()} (or --config FILE).`,
    '',
    'example: pnpm --filter mail-client mail -- list --folder INBOX --limit 10',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
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
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const config = loadConfig(optString(values, 'config') ?? defaultConfigPath());
  const account = selectAccount(config, optString(values, 'account'));
  const out = createOutput(Boolean(values.json));
  const ca = optString(values, 'ca');
  const session = await connect({
    account,
    ...(ca ? { ca } : {}),
    ...(values.trace ? { trace: stderrSink } : {}),
    autoIdle: false,
  });
  try {
    return (await command.run({ values, positionals, session, out })) ?? 0;
  } finally {
    await session.close();
  }
}

runMain(main, { name: 'mail' });
