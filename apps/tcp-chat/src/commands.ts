/** Parses what a user types (`/join #rust`, `/msg ann hi`, plain text) into a command. */

export type Command =
  | { kind: 'say'; text: string; room?: string }
  | { kind: 'join'; room: string }
  | { kind: 'leave'; room?: string }
  | { kind: 'msg'; to: string; text: string }
  | { kind: 'nick'; nick: string }
  | { kind: 'who'; room?: string }
  | { kind: 'rooms' }
  | { kind: 'stats' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'invalid'; message: string };

export const HELP = `commands:
  /join #room        join (or switch to) a room; recent history is shown
  /leave [#room]     leave the current room or the one named
  /msg nick text     whisper to one person
  /nick name         change your nick
  /who [#room]       who is in the room
  /rooms             list rooms
  /stats             server counters
  /quit              leave (Ctrl-D too)
  text               say it in the current room (/say #room text for another)`;

/** Returns undefined for a blank line. Room names get their `#` added when missing. */
export function parseCommand(line: string): Command | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('/') || trimmed.startsWith('//')) {
    return { kind: 'say', text: trimmed.startsWith('//') ? trimmed.slice(1) : trimmed };
  }
  const [word = '', ...rest] = trimmed.slice(1).split(/\s+/);
  const arg = rest[0];
  const tail = trimmed.slice(1 + word.length).trim();
  const room = (name: string) => (name.startsWith('#') ? name : `#${name}`);
  switch (word.toLowerCase()) {
    case 'join':
    case 'j':
      return arg ? { kind: 'join', room: room(arg) } : invalid('usage: /join #room');
    case 'leave':
    case 'part':
      return { kind: 'leave', room: arg ? room(arg) : undefined };
    case 'msg':
    case 'whisper':
    case 'w': {
      const text = tail.slice((arg ?? '').length).trim();
      return arg && text ? { kind: 'msg', to: arg, text } : invalid('usage: /msg nick text');
    }
    case 'say': {
      const text = tail.slice((arg ?? '').length).trim();
      return arg && text
        ? { kind: 'say', room: room(arg), text }
        : invalid('usage: /say #room text');
    }
    case 'nick':
      return arg ? { kind: 'nick', nick: arg } : invalid('usage: /nick name');
    case 'who':
    case 'names':
      return { kind: 'who', room: arg ? room(arg) : undefined };
    case 'rooms':
    case 'list':
      return { kind: 'rooms' };
    case 'stats':
      return { kind: 'stats' };
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    default:
      return invalid(`unknown command /${word} (try /help)`);
  }
}

function invalid(message: string): Command {
  return { kind: 'invalid', message };
}
