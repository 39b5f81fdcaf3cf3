/** `tcp-chat client`: connects, then runs the terminal UI or script mode. */
import { readFile } from 'node:fs/promises';
import { parseEndpoint } from '@netlab/addressing';
import { parseCommandLine, shouldColor, UsageError, userPath } from '@netlab/cli';
import { connect } from './client.ts';
import { parseCommand } from './commands.ts';
import { DEFAULT_PORT } from './protocol.ts';
import type { UiState } from './run-command.ts';
import { runScript } from './script.ts';
import { runTerminal } from './terminal.ts';
import { printTrace } from './wire.ts';

export const CLIENT_HELP = `usage: tcp-chat client [HOST:PORT[,HOST:PORT...]] [options]

Chats with a tcp-chat server (default 127.0.0.1:${DEFAULT_PORT}). Interactive in a terminal;
with stdin from a pipe (or --script) each line is a command and events are printed per line.
Several servers of one cluster (--redis) may be given: a reconnect goes to the next one and
replays what was missed.

options:
  --server HOST:PORT  a server to use (repeatable; same as the comma list)
  --nick NAME      your nick (default $USER)
  --room ROOM      the room you start in and type into (default #lobby, or the first --join;
                   --room '' for none). A terminal joins it at once; a script joins it when
                   its first line of text needs a room (a script that starts with /join does not)
  --join ROOM      join a room first (repeatable)
  --tls            use TLS, verifying the server against the system CAs or --ca FILE
                   (a plain client meeting a TLS server fails with ERR_TLS_REQUIRED)
  --ca FILE        trust this certificate (e.g. a --tls-dev server's cert.pem)
  --insecure       TLS without verification (throwaway tests only)
  --no-reconnect   exit when the connection drops instead of reconnecting
  --script         script mode even on a terminal; --json prints events as JSON lines
  --trace          print every frame in and out
  -h, --help       this help

commands: /join #room, /leave, /msg nick text, /nick name, /who, /rooms, /stats, /quit

examples:
  tcp-chat client --nick ann                  # starts in #lobby
  tcp-chat client --nick ann --room '#rust'
  printf '/join #lobby\\nhello\\n' | tcp-chat client --nick bot --json
  tcp-chat client 127.0.0.1:4040,127.0.0.1:4041 --nick ann   # a two-server cluster`;

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
