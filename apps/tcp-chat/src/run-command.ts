/** Carries out one typed command against a ChatClient, reporting what happened as UiEvents. */
import type { ChatClient } from './client.ts';
import { type Command, HELP } from './commands.ts';
import { ChatError } from './errors.ts';
import type { UiEvent } from './events.ts';

/** The room plain text goes to: the last one joined, until left. */
export interface UiState {
  room: string | undefined;
  /** The start room (`--room`, default #lobby) while not yet joined: joined when first needed. */
  startRoom?: string | undefined;
}

/** Joins the start room now, if there is one still to join (the terminal does it at once). */
export async function joinStartRoom(
  client: ChatClient,
  state: UiState,
  emit: (e: UiEvent) => void,
): Promise<void> {
  const room = state.startRoom;
  if (room === undefined) return;
  state.startRoom = undefined;
  await runCommand(client, { kind: 'join', room }, state, emit);
}

/**
 * Runs `cmd`; returns false when it was /quit. Server refusals (ERR_NOT_IN_ROOM...) become
 * `error` events, so a typo never ends the session; connection loss rejects as ChatError.
 */
export async function runCommand(
  client: ChatClient,
  cmd: Command,
  state: UiState,
  emit: (e: UiEvent) => void,
): Promise<boolean> {
  try {
    await run(client, cmd, state, emit);
  } catch (err) {
    if (!(err instanceof ChatError)) throw err;
    emit({ event: 'error', code: err.code, message: err.message });
  }
  return cmd.kind !== 'quit';
}

async function run(client: ChatClient, cmd: Command, state: UiState, emit: (e: UiEvent) => void) {
  // Text before any /join goes to the start room, joined first (script mode joins it lazily,
  // so a script that begins with its own /join sees no extra room).
  if (!state.room && state.startRoom && needsRoom(cmd)) {
    const room = state.startRoom;
    state.startRoom = undefined;
    await client.join(room);
    state.room = room;
  }
  const needRoom = (room: string | undefined): string => {
    if (room) return room;
    throw new ChatError('ERR_NOT_IN_ROOM', 'no current room: /join #room first');
  };
  switch (cmd.kind) {
    case 'say':
      await client.say(needRoom(cmd.room ?? state.room), cmd.text);
      break;
    case 'join':
      await client.join(cmd.room); // the `joined` event and history arrive as events
      state.room = cmd.room;
      state.startRoom = undefined; // told where to go: no start room any more
      break;
    case 'leave': {
      const room = needRoom(cmd.room ?? state.room);
      await client.leave(room);
      if (state.room === room) state.room = client.rooms.at(-1);
      emit({ event: 'left', room });
      break;
    }
    case 'msg':
      await client.whisper(cmd.to, cmd.text);
      break;
    case 'nick':
      await client.rename(cmd.nick);
      emit({ event: 'nick', nick: client.nick });
      break;
    case 'who': {
      const room = needRoom(cmd.room ?? state.room);
      emit({ event: 'who', room, nicks: await client.who(room) });
      break;
    }
    case 'rooms':
      emit({ event: 'rooms', rooms: await client.listRooms() });
      break;
    case 'stats':
      emit({ event: 'stats', counters: await client.stats() });
      break;
    case 'help':
      emit({ event: 'info', text: HELP });
      break;
    case 'invalid':
      emit({ event: 'error', code: 'ERR_USAGE', message: cmd.message });
      break;
    case 'quit':
      break;
  }
}

/** Commands that act on the current room when they name none. */
function needsRoom(cmd: Command): boolean {
  return (
    (cmd.kind === 'say' || cmd.kind === 'leave' || cmd.kind === 'who') && cmd.room === undefined
  );
}
