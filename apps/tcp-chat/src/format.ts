/** Renders UiEvents as readable, coloured terminal lines. */
import { createColor } from '@netlab/cli';
import type { UiEvent } from './events.ts';

type Paint = ReturnType<typeof createColor>;
const NICK_COLOURS = ['cyan', 'green', 'yellow', 'blue', 'magenta'] as const;

/** Same nick, same colour, every session: a cheap string hash picks from the palette. */
function nickColour(c: Paint, nick: string): string {
  let h = 0;
  for (let i = 0; i < nick.length; i++) h = (h * 31 + nick.charCodeAt(i)) >>> 0;
  return c[NICK_COLOURS[h % NICK_COLOURS.length]!](nick);
}

function clock(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** One line (or a few) for an event; `me` is our nick, to dim our own lines. */
export function formatEvent(e: UiEvent, me: string, colors: boolean): string {
  const c = createColor(colors);
  const note = (text: string) => c.dim(`-- ${text}`);
  switch (e.event) {
    case 'message': {
      const who = e.from === me ? c.dim(e.from) : nickColour(c, e.from);
      const line = `${c.gray(clock(e.ts))} ${c.dim(e.room)} <${who}> ${e.text}`;
      return e.history ? c.dim(`${clock(e.ts)} ${e.room} <${e.from}> ${e.text}`) : line;
    }
    case 'private':
      return `${c.gray(clock(e.ts))} ${c.magenta(`*${e.from} -> ${e.to}*`)} ${e.text}`;
    case 'presence': {
      const what = { join: 'joined', leave: 'left', quit: 'quit', nick: `is now ${e.to}` }[
        e.action
      ];
      return note(`${e.nick} ${what} ${e.room}`);
    }
    case 'welcome':
      return note(`connected to ${e.server} as ${c.bold(e.nick)} (/help for commands)`);
    case 'joined':
      return note(
        `joined ${e.room} (${e.seq} message${e.seq === 1 ? '' : 's'} so far) with ${e.members.join(', ')}`,
      );
    case 'left':
      return note(`left ${e.room}`);
    case 'nick':
      return note(`you are now ${c.bold(e.nick)}`);
    case 'who':
      return note(`${e.room}: ${e.nicks.length ? e.nicks.join(', ') : '(empty)'}`);
    case 'rooms':
      return e.rooms.length
        ? e.rooms
            .map((r) => note(`${r.name} ${r.members} member(s), ${r.seq} message(s)`))
            .join('\n')
        : note('no rooms yet (/join #name creates one)');
    case 'stats':
      return note(
        Object.entries(e.counters)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      );
    case 'gap':
      return c.yellow(`-- ${e.room}: messages ${e.from}..${e.to} were lost (older than history)`);
    case 'reset':
      return c.yellow(`-- ${e.room}: the server restarted; the room's history starts over`);
    case 'disconnected':
      return c.yellow(`-- disconnected: ${e.code} ${e.reason}`);
    case 'reconnecting':
      return c.yellow(`-- reconnecting in ${e.delayMs} ms (attempt ${e.attempt})`);
    case 'reconnected':
      return note(`reconnected to ${e.server}; rooms rejoined, missed messages replayed`);
    case 'notice':
      return c.yellow(`-- ${e.code}${e.room ? ` ${e.room}` : ''}: ${e.message}`);
    case 'info':
      return e.text;
    case 'error':
      return c.red(`!! ${e.code} ${e.message}`);
  }
}
