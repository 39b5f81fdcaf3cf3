/** Conversations over a real server on port 0: rooms, whispers, nicks, history and replay. */
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatClient, connect } from './client.ts';
import type { ChatLine } from './protocol.ts';
import { type ChatServer, createServer } from './server.ts';

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

function collect(c: ChatClient, event = 'message'): ChatLine[] {
  const seen: ChatLine[] = [];
  c.on(event, (m) => seen.push(m));
  return seen;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
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
});
