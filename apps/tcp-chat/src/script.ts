/** Script mode: commands from stdin, one per line; events out as text or JSON lines. */
import readline from 'node:readline';
import type { ChatClient } from './client.ts';
import { parseCommand } from './commands.ts';
import { forwardEvents, type UiEvent } from './events.ts';
import { formatEvent } from './format.ts';
import { runCommand, type UiState } from './run-command.ts';

/**
 * Runs each stdin line to completion before reading the next (a `say` waits for the server's
 * echo), so a script's effects are ordered. Returns the number of commands that failed.
 */
export async function runScript(
  client: ChatClient,
  server: string,
  { json, colors, state }: { json: boolean; colors: boolean; state: UiState },
): Promise<number> {
  let failures = 0;
  const emit = (e: UiEvent) => {
    if (e.event === 'error') failures++;
    process.stdout.write(`${json ? JSON.stringify(e) : formatEvent(e, client.nick, colors)}\n`);
  };
  forwardEvents(client, emit);
  emit({ event: 'welcome', nick: client.nick, server });
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    const cmd = parseCommand(line);
    if (cmd && !(await runCommand(client, cmd, state, emit))) break;
  }
  rl.close();
  return failures;
}
