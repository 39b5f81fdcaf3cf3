/** Rooms and the registry: congestion counting, empty rooms' time limit, eviction at the cap. */
import { describe, expect, it } from 'vitest';
import { RoomRegistry } from './room-registry.ts';
import type { Member } from './rooms.ts';

function member(nick: string): Member & { backedUp: boolean; over: boolean; resumed: number } {
  return {
    nick,
    backedUp: false,
    over: false,
    resumed: 0,
    send() {},
    unhold() {
      this.resumed++;
    },
  };
}

describe('RoomRegistry', () => {
  it('removes rooms empty for longer than the time limit, keeps the others', () => {
    const rooms = new RoomRegistry(10, 20, 1000);
    const busy = rooms.open('#busy')!;
    busy.admit(member('ann'));
    const left = rooms.open('#left')!;
    const bob = member('bob');
    left.admit(bob);
    left.dismiss(bob);
    const t = left.emptySince!;
    expect(rooms.sweep(t + 999)).toBe(0);
    expect(rooms.sweep(t + 1001)).toBe(1);
    expect(rooms.get('#left')).toBeUndefined();
    expect(rooms.get('#busy')).toBe(busy);
    expect(rooms.removed).toBe(1);
  });

  it('makes space at the cap by removing the room empty the longest; refuses when all are held', () => {
    const rooms = new RoomRegistry(2, 20, 60_000);
    const a = rooms.open('#a')!;
    const b = rooms.open('#b')!;
    const ann = member('ann');
    a.admit(ann);
    expect(rooms.full()).toBe(false); // #b is empty
    expect(rooms.open('#c')).toBeDefined(); // #b made way
    expect(rooms.get('#b')).toBeUndefined();
    expect(b.members.size).toBe(0);
    rooms.get('#c')!.admit(member('cy'));
    expect(rooms.full()).toBe(true);
    expect(rooms.open('#d')).toBeUndefined(); // every room has members
    a.dismiss(ann);
    expect(rooms.open('#d')).toBeDefined();
    expect(rooms.get('#a')).toBeUndefined();
  });
});

describe('Room congestion', () => {
  it('is congested when half the members (two at least) are backed up, or one is past its bound', async () => {
    const rooms = new RoomRegistry(10, 20);
    const room = rooms.open('#r')!;
    const ms = ['a', 'b', 'c', 'd'].map(member);
    for (const m of ms) room.admit(m);
    ms[0]!.backedUp = true;
    room.flow.backlog(true);
    expect(room.flow.congested).toBe(false); // one slow reader among four
    ms[1]!.backedUp = true;
    room.flow.backlog(true);
    expect(room.flow.congested).toBe(true);
    const sender = ms[3]!;
    room.flow.wait(sender);
    ms[1]!.backedUp = false;
    room.flow.backlog(false);
    expect(room.flow.congested).toBe(false);
    await Promise.resolve(); // released after the current fan-out, never inside it
    expect(sender.resumed).toBe(1); // the waiting sender reads again
    ms[2]!.over = true;
    room.flow.overflowing(true);
    expect(room.flow.congested).toBe(true);
    room.dismiss(ms[2]!); // kicked: its count goes with it
    expect(room.flow.congested).toBe(false);
  });
});
