/** The client's replay bookkeeping: duplicates dropped, each gap reported once, resets. */
import { describe, expect, it } from 'vitest';
import type { ChatLine, Msg } from './protocol.ts';
import { RoomTracker } from './replay.ts';

const line = (seq: number): ChatLine => ({
  type: 'msg',
  room: '#a',
  seq,
  ts: 0,
  from: 'ann',
  text: `n${seq}`,
});
const joined = (seq: number, history: number, complete = true): Msg<'joined'> => ({
  type: 'joined',
  room: '#a',
  seq,
  history,
  complete,
  members: [],
});

describe('RoomTracker', () => {
  it('drops lines already seen, as a replay that overlaps would send them', () => {
    const t = new RoomTracker();
    t.joined(joined(0, 0));
    expect(t.accept(line(1))).toEqual({ history: false, skipped: undefined });
    expect(t.accept(line(1))).toBeUndefined();
    expect(t.since('#a')).toBe(1);
  });

  it('starts from recent history without calling the older lines a gap', () => {
    const t = new RoomTracker();
    t.joined(joined(50, 20));
    expect(t.accept(line(31))).toEqual({ history: true, skipped: undefined });
    expect(t.accept(line(51))).toMatchObject({ history: false });
  });

  it('reports a live jump as the lines skipped', () => {
    const t = new RoomTracker();
    t.joined(joined(0, 0));
    t.accept(line(1));
    expect(t.accept(line(5))?.skipped).toEqual({ from: 2, to: 4 });
  });

  it('reports a replay that lost lines once, at the join, not again at its first line', () => {
    const t = new RoomTracker();
    t.joined(joined(0, 0));
    t.accept(line(3));
    expect(t.joined(joined(300, 200, false))).toEqual({ kind: 'gap', from: 4, to: 100 });
    expect(t.accept(line(101))).toEqual({ history: true, skipped: undefined });
  });

  it('follows a room that started over, by a younger join or a ROOM_RESET notice', () => {
    const t = new RoomTracker();
    t.joined(joined(0, 0));
    t.accept(line(9));
    expect(t.joined(joined(2, 2))).toEqual({ kind: 'reset' });
    expect(t.accept(line(1))).toMatchObject({ history: true });
    t.restart('#a');
    expect(t.accept(line(1))).toEqual({ history: false, skipped: undefined });
  });
});
