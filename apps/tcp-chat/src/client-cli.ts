/** `tcp-chat client`: connects, then runs the terminal UI or script mode. */
import { readFile } from 'node:fs/promises';
import { parseEndpoint } from '@netlab/addressing/endpoint';
import { parseCommandLine, shouldColor, UsageError, userPath } from '@netlab/cli';
import { parseCommand } from './commands.ts';
import { DEFAULT_PORT } from './defaults.ts';
import { CLIENT_HELP } from './help.ts';
import type { UiState } from './run-command.ts';

const options = {
  server: { type: 'string', multiple: true },
  nick: { type: 'string' },
  room: { type: 'string' },
  join: { type: 'string', multiple: true },
  tls: { type: 'boolean' },
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  'no-reconnect': { type: 'boolean' },
  script: { type: 'boolean' },
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function clientMain(argv: string[]): Promise<number> {
  const { values: f, positionals } = parseCommandLine({
    args: argv,
    options,
    allowPositionals: true,
  });
  if (f.help) {
    console.log(CLIENT_HELP);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(`one HOST:PORT list at most, got ${positionals.length}`);
  // The client, its protocol (zod, MessagePack) and its UI load only once --help is handled.
  const [{ connect }, { runScript }, { runTerminal }, { printTrace }] = await Promise.all([
    import('./client.ts'),
    import('./script.ts'),
    import('./terminal.ts'),
    import('./trace.ts'),
  ]);
  const servers = parseServers([...positionals, ...(f.server ?? [])]);
  const secure = f.tls || f.ca !== undefined || f.insecure;
  const tls = secure
    ? { ca: f.ca ? await readFile(userPath(f.ca)) : undefined, insecure: f.insecure }
    : undefined;
  const nick = f.nick ?? process.env.USER ?? 'guest';
  const script = f.script || f.json || !process.stdin.isTTY;
  const trace = f.trace ? printTrace((l) => process.stderr.write(`${l}\n`)) : undefined;
  const client = await connect({
    servers,
    nick,
    tls,
    trace,
    reconnect: !f['no-reconnect'],
  });
  const joins = (f.join ?? []).map(roomName);
  for (const room of joins) await client.join(room);
  const start =
    f.room === undefined ? (joins[0] ?? '#lobby') : f.room === '' ? undefined : roomName(f.room);
  // Already in it (a --join): it is simply the current room.
  const state: UiState = joins.includes(start ?? '')
    ? { room: start }
    : { room: undefined, startRoom: start };
  const colors = shouldColor(process.stdout);
  if (!script) {
    await runTerminal(client, client.server, colors, state);
    await client.close();
    return 0;
  }
  const failures = await runScript(client, client.server, {
    json: f.json === true,
    colors,
    state,
  });
  await client.close();
  return failures > 0 ? 1 : 0;
}

/** `lobby` or `#lobby`, as /join takes it. */
function roomName(text: string): string {
  const cmd = parseCommand(`/join ${text}`);
  if (cmd?.kind !== 'join') throw new UsageError(`not a room name: '${text}'`);
  return cmd.room;
}

/** `a:1,b:2` and repeated --server flags, each through parseEndpoint; 127.0.0.1:4040 if none. */
export function parseServers(texts: string[]): { host: string; port: number }[] {
  const items = texts.flatMap((t) => t.split(',')).filter((t) => t !== '');
  return (items.length ? items : ['127.0.0.1']).map((text) => {
    const ep = parseEndpoint(text, { defaultPort: DEFAULT_PORT });
    return { host: ep.zone ? `${ep.host}%${ep.zone}` : ep.host, port: ep.port };
  });
}
