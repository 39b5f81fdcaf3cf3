/** Conversations over a real server on port 0: rooms, whispers, nicks, history and replay. */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatClient, connect } from './client.ts';
import type { ChatLine } from './protocol.ts';
import { type ChatServer, createServer } from './server.ts';
import { until } from './test-helpers.ts';

const T = { timeout: 60_000 };
let server: ChatServer;
let port: number;
const clients: ChatClient[] = [];

async function start(options: Parameters<typeof createServer>[0] = {}): Promise<void> {
  server = createServer({ rate: 0, ...options });
  port = (await server.listen(0)).port;
}

async function join(
  nick: string,
  opts: Partial<Parameters<typeof connect>[0]> = {},
): Promise<ChatClient> {
  const c = await connect({ port, nick, reconnect: false, ...opts });
  clients.push(c);
  return c;
}

function collect(c: ChatClient, event = 'message'): (ChatLine & { history?: boolean })[] {
  const seen: (ChatLine & { history?: boolean })[] = [];
  c.on(event, (m) => seen.push(m));
  return seen;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close(500);
});

describe('conversation', () => {
  it('delivers room messages to members only, with per-room sequence numbers', T, async () => {
    await start();
    const ann = await join('ann');
    const bob = await join('bob');
    const cy = await join('cy');
    await ann.join('#rust');
    await bob.join('#rust');
    await cy.join('#go');
    const bobSees = collect(bob);
    const cySees = collect(cy);
    await ann.say('#rust', 'hello rust');
    await cy.say('#go', 'hello go');
    await bob.say('#rust', 'hi ann');
    await until(() => bobSees.length === 2 && cySees.length === 1, 'deliveries');
    expect(bobSees.map((m) => [m.room, m.seq, m.from, m.text])).toEqual([
      ['#rust', 1, 'ann', 'hello rust'],
      ['#rust', 2, 'bob', 'hi ann'],
    ]);
    expect(cySees.map((m) => [m.room, m.seq, m.text])).toEqual([['#go', 1, 'hello go']]);
    expect(await ann.who('#rust')).toEqual(['ann', 'bob']);
    expect(await ann.listRooms()).toEqual([
      { name: '#rust', members: 2, seq: 2 },
      { name: '#go', members: 1, seq: 1 },
    ]);
  });

  it('whispers to one person, and says who does not exist', T, async () => {
    await start();
    const ann = await join('ann');
    const bob = await join('bob');
    const cy = await join('cy');
    const bobGets = collect(bob, 'private');
    const cyGets = collect(cy, 'private');
    const echo = await ann.whisper('bob', 'psst');
    expect(echo).toMatchObject({ from: 'ann', to: 'bob', text: 'psst' });
    await until(() => bobGets.length === 1, 'whisper');
    expect(bobGets[0]).toMatchObject({ from: 'ann', to: 'bob', text: 'psst' });
    expect(cyGets).toEqual([]);
    await expect(ann.whisper('nobody', 'hello?')).rejects.toMatchObject({
      code: 'ERR_NO_SUCH_NICK',
    });
  });

  it('keeps nicks unique, on hello and on /nick', T, async () => {
    await start();
    const ann = await join('ann');
    await ann.join('#a');
    await expect(join('ann')).rejects.toMatchObject({ code: 'ERR_NICK_IN_USE' });
    const bob = await join('bob');
    await bob.join('#a');
    await expect(bob.rename('ann')).rejects.toMatchObject({ code: 'ERR_NICK_IN_USE' });
    const seen = collect(ann, 'presence');
    await bob.rename('robert');
    expect(bob.nick).toBe('robert');
    await until(() => seen.length === 1, 'nick presence');
    expect(seen[0]).toMatchObject({ room: '#a', nick: 'bob', action: 'nick', to: 'robert' });
    expect(await ann.who('#a')).toEqual(['ann', 'robert']);
  });

  it('shows recent history on join, marked as history', T, async () => {
    await start({ historySize: 50, historyOnJoin: 5 });
    const ann = await join('ann');
    await ann.join('#a');
    for (let i = 1; i <= 12; i++) await ann.say('#a', `line ${i}`);
    const bob = await join('bob');
    const seen = collect(bob);
    const joined = await bob.join('#a');
    expect(joined).toMatchObject({ seq: 12, history: 5, complete: true, members: ['ann', 'bob'] });
    await until(() => seen.length === 5, 'history');
    expect(seen.map((m) => [m.seq, m.text, m.history])).toEqual(
      [8, 9, 10, 11, 12].map((n) => [n, `line ${n}`, true]),
    );
    await ann.say('#a', 'live');
    await until(() => seen.length === 6, 'live line');
    expect(seen[5]).toMatchObject({ seq: 13, history: false });
  });

  it('replays across a forced reconnect with no gaps and no duplicates', T, async () => {
    await start({ historySize: 5000 });
    const ann = await join('ann');
    await ann.join('#a');
    // Count what arrives on the wire, before the client's own de-duplication.
    const wire: number[] = [];
    const bob = await join('bob', {
      reconnect: { baseMs: 20, capMs: 200 },
      trace: (dir, _peer, _bytes, m) => {
        const msg = m as { type?: string; seq?: number };
        if (dir === 'in' && msg.type === 'msg') wire.push(msg.seq!);
      },
    });
    await bob.join('#a');
    const seen = collect(bob);
    let reconnected = 0;
    bob.on('reconnected', () => reconnected++);
    const total = 600;
    let back: Promise<unknown> = Promise.resolve();
    for (let i = 1; i <= total; i++) {
      void ann.say('#a', `n${i}`);
      if (i % 150 === 0) {
        await back; // each drop hits a live connection
        back = once(bob, 'reconnected');
        bob.drop(); // the network fails under bob; ann keeps talking
      }
      if (i % 50 === 0) await ann.say('#a', `sync ${i}`);
    }
    await back;
    const expected = total + total / 50;
    await until(() => seen.length === expected, `${expected} lines at bob`);
    expect(reconnected).toBe(4);
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    expect(new Set(wire).size).toBe(wire.length); // the server never sent a line twice
    expect(await ann.who('#a')).toEqual(['ann', 'bob']);
  });

  it('reconnects to a restarted server and follows the room as it starts over', T, async () => {
    await start();
    const ann = await join('ann', { reconnect: { baseMs: 20, capMs: 100 } });
    await ann.join('#a');
    for (let i = 1; i <= 3; i++) await ann.say('#a', `before ${i}`);
    const seen = collect(ann);
    const resets: unknown[] = [];
    ann.on('reset', (r) => resets.push(r));
    const reconnected = new Promise((r) => ann.once('reconnected', r));
    await server.close(500);
    server = createServer({ rate: 0 });
    await server.listen(port);
    await reconnected;
    expect(resets).toEqual([{ room: '#a' }]);
    const bob = await join('bob');
    await bob.join('#a');
    await bob.say('#a', 'after the restart');
    await until(() => seen.length === 1, 'the first line after the restart');
    expect(seen[0]).toMatchObject({ seq: 1, from: 'bob', text: 'after the restart' });
  });

  it('works over IPv6 loopback', T, async () => {
    server = createServer({ rate: 0 });
    const { port: v6port, family } = await server.listen(0, '::1');
    expect(family).toBe('IPv6');
    const ann = await connect({ host: '::1', port: v6port, nick: 'ann', reconnect: false });
    clients.push(ann);
    await ann.join('#v6');
    expect(await ann.say('#v6', 'over ::1')).toMatchObject({ seq: 1, from: 'ann' });
  });
});
