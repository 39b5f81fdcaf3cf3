/** The shape of a subcommand, the options every command shares, and --help rendering. */
import type { ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

import type { MailSession } from './client.ts';

/** Options every command takes (the account, TLS trust, output, tracing). */
export const COMMON_OPTIONS = {
  config: { type: 'string' },
  account: { type: 'string', short: 'a' },
  ca: { type: 'string' },
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface Output {
  json: boolean;
  /** Writes one result: JSON (one line) with --json, else the text rendering. */
  result(data: unknown, text: () => string): void;
  /** A line on stderr for people (warnings, progress notes); never part of --json output. */
  note(line: string): void;
}

export interface RunContext {
  values: Values;
  positionals: string[];
  session: MailSession;
  out: Output;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** e.g. `list [--folder F] [--unseen] [--since DATE] [--limit N] [--page P]` */
  usage: string;
  /** Lines describing the command's own options. */
  details: string[];
  example: string;
  options: ParseArgsOptionsConfig;
  /** True when the command only lists (list, search): its session gets the tighter bounds. */
  listingOnly?: boolean;
  run(context: RunContext): Promise<number | undefined>;
}

export function createOutput(
  json: boolean,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Output {
  return {
    json,
    result(data, text) {
      stdout.write(json ? `${JSON.stringify(data)}\n` : `${text()}\n`);
    },
    note(line) {
      stderr.write(`${line}\n`);
    },
  };
}

const COMMON_HELP = [
  "  -a, --account NAME  account from the config (default: the config's `default`)",
  '      --config FILE   config file (default: $XDG_CONFIG_HOME/netlab-mail/config.toml)',
  '      --ca FILE       also trust this CA certificate (PEM), e.g. a dev CA',
  '                      (relative paths start in the folder you ran the command from)',
  '      --json          print results as JSON',
  '      --trace         print the IMAP/SMTP conversation on stderr (credentials masked)',
  '      --timeout S     deadline of each IMAP/SMTP command in seconds (default 30, or the',
  "                      config's `timeout`); a command that passes it fails with ERR_TIMEOUT",
  '  -h, --help          this help',
];

/** `mail <command> --help`. */
export function commandHelp(command: Command): string {
  return [
    `usage: mail ${command.usage}`,
    '',
    command.summary,
    '',
    ...command.details,
    ...(command.details.length ? [''] : []),
    'common options:',
    ...COMMON_HELP,
    '',
    `example: pnpm --filter mail-client mail ${command.example}`,
  ].join('\n');
}

/** Reads a string option (the last one when repeated). */
export function optString(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Reads a repeatable string option as a list (`--attach a --attach b`). */
export function optList(values: Values, name: string): string[] {
  const value = values[name];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return items.map((item) => String(item).trim()).filter(Boolean);
}
