/** Property tests for the client's command-line grammar: any input, and the shapes it promises. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from './commands.ts';

const word = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/);
const space = fc.stringMatching(/^[ \t]{1,3}$/);
/** Text that still says something once trimmed. */
const text = fc.string({ minLength: 1 }).filter((t) => t.trim() !== '');
const upperOrLower = (s: string) => fc.constantFrom(s, s.toUpperCase());

describe('parseCommand (properties)', () => {
  it('never throws, and answers blank input with nothing', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `/${s}`),
        ),
        (line) => {
          const cmd = parseCommand(line);
          expect(cmd === undefined).toBe(line.trim() === '');
        },
      ),
    );
  });

  it('says any line that is not a command, trimmed', () => {
    fc.assert(
      fc.property(text, (line) => {
        fc.pre(!line.trim().startsWith('/'));
        expect(parseCommand(line)).toEqual({ kind: 'say', text: line.trim() });
      }),
    );
  });

  it('says a //-escaped line with one slash', () => {
    fc.assert(
      fc.property(fc.string(), (rest) => {
        expect(parseCommand(`//${rest}`)).toEqual({ kind: 'say', text: `/${rest}`.trim() });
      }),
    );
  });

  it('joins a room by name, adding the # when missing, whatever the spacing and case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('join', 'j').chain(upperOrLower),
        fc.boolean(),
        word,
        space,
        space,
        (cmd, hash, name, s1, s2) => {
          const line = `${s2}/${cmd}${s1}${hash ? '#' : ''}${name}${s2}`;
          expect(parseCommand(line)).toEqual({ kind: 'join', room: `#${name}` });
        },
      ),
    );
  });

  it('whispers the rest of the line, inner spacing kept', () => {
    fc.assert(
      fc.property(fc.constantFrom('msg', 'w', 'whisper'), word, space, text, (cmd, nick, s, t) => {
        expect(parseCommand(`/${cmd} ${nick}${s}${t}`)).toEqual({
          kind: 'msg',
          to: nick,
          text: t.trim(),
        });
      }),
    );
  });

  it('refuses unknown commands by name', () => {
    const known = ['join', 'j', 'leave', 'part', 'msg', 'whisper', 'w', 'say', 'nick', 'who'];
    const more = ['names', 'rooms', 'list', 'stats', 'help', 'quit', 'exit'];
    fc.assert(
      fc.property(word, (name) => {
        fc.pre(![...known, ...more].includes(name.toLowerCase()));
        expect(parseCommand(`/${name} x`)).toEqual({
          kind: 'invalid',
          message: `unknown command /${name} (try /help)`,
        });
      }),
    );
  });
});
