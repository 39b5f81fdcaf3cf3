/** The interactive client: a readline prompt that stays intact while messages arrive. */
import readline from 'node:readline';
import type { ChatClient } from './client.ts';
import { parseCommand } from './commands.ts';
import { forwardEvents, type UiEvent } from './events.ts';
import { formatEvent } from './format.ts';
import { joinStartRoom, runCommand, type UiState } from './run-command.ts';

/**
 * Runs until /quit, Ctrl-D or Ctrl-C, starting in the start room (`--room`, default #lobby). An incoming line is printed above the prompt: clear the
 * prompt line, print, then `prompt(true)` redraws the prompt with the half-typed input and the
 * cursor where they were, so typing is never interrupted or garbled.
 */
export async function runTerminal(
  client: ChatClient,
  server: string,
  colors: boolean,
  state: UiState,
): Promise<void> {
  const out = process.stdout;
  const rl = readline.createInterface({ input: process.stdin, output: out, terminal: true });
  const setPrompt = () => rl.setPrompt(`${state.room ?? client.nick}> `);
  const show = (e: UiEvent) => {
    readline.clearLine(out, 0);
    readline.cursorTo(out, 0);
    out.write(`${formatEvent(e, client.nick, colors)}\n`);
    rl.prompt(true);
  };
  setPrompt();
  forwardEvents(client, show);
  client.on('close', () => rl.close());
  show({ event: 'welcome', nick: client.nick, server });
  await joinStartRoom(client, state, show); // a person at a prompt starts in a room
  setPrompt();
  rl.prompt();
  for await (const line of rl) {
    const cmd = parseCommand(line);
    if (cmd && !(await runCommand(client, cmd, state, show))) break;
    setPrompt();
    rl.prompt();
  }
  rl.close();
}
