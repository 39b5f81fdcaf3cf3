/** The command-line grammar of the interactive client. */
import { describe, expect, it } from 'vitest';
import { parseCommand } from './commands.ts';

describe('parseCommand', () => {
  it('reads every command', () => {
    expect(parseCommand('/join rust')).toEqual({ kind: 'join', room: '#rust' });
    expect(parseCommand('/leave')).toEqual({ kind: 'leave', room: undefined });
    expect(parseCommand('/msg ann  see  you ')).toEqual({
      kind: 'msg',
      to: 'ann',
      text: 'see  you',
    });
    expect(parseCommand('/say #a hello there')).toEqual({
      kind: 'say',
      room: '#a',
      text: 'hello there',
    });
    expect(parseCommand('/nick bob')).toEqual({ kind: 'nick', nick: 'bob' });
    expect(parseCommand('/who')).toEqual({ kind: 'who', room: undefined });
    expect(parseCommand('/rooms')).toEqual({ kind: 'rooms' });
    expect(parseCommand('/QUIT')).toEqual({ kind: 'quit' });
  });

  it('treats plain text (and //escaped slashes) as speech, blank as nothing', () => {
    expect(parseCommand('  hi all ')).toEqual({ kind: 'say', text: 'hi all' });
    expect(parseCommand('//not a command')).toEqual({ kind: 'say', text: '/not a command' });
    expect(parseCommand('   ')).toBeUndefined();
  });

  it('explains bad input instead of guessing', () => {
    expect(parseCommand('/msg ann')?.kind).toBe('invalid');
    expect(parseCommand('/join')?.kind).toBe('invalid');
    expect(parseCommand('/frobnicate')).toEqual({
      kind: 'invalid',
      message: 'unknown command /frobnicate (try /help)',
    });
  });
});
