/** Flow control: a client that stops reading is kicked; memory stays bounded; others unaffected. */
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatClient, connect } from './client.ts';
import { type ChatServer, createServer } from './server.ts';
import { RawClient, until } from './test-helpers.ts';

const T = { timeout: 60_000 };
let server: ChatServer;
const clients: ChatClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close(500);
});

describe('slow consumer', () => {
  it('kicks a reader that stalls while others chat at full speed', T, async () => {
    const maxQueueBytes = 256 * 1024;
    server = createServer({ rate: 0, maxQueueBytes, historySize: 10 });
    const { port } = await server.listen(0);
    const kicks: { nick: string; code: string }[] = [];
    server.on('kick', (k) => {
      kicks.push(k);
      // Reading again within the 2 s grace, sloth gets the reason after what its socket held
      // (the frames still queued for it were dropped at the kick).
      if (k.nick === 'sloth') slow.socket.resume();
    });

    const slow = await RawClient.connect(port);
    await slow.hello('sloth');
    slow.send({ type: 'join', room: '#busy' });
    await slow.next('joined');
    slow.socket.pause(); // stops reading: the kernel buffers fill, then the server's queue

    const talkers = await Promise.all(
      ['ann', 'bob', 'cy'].map((nick) => connect({ port, nick, reconnect: false })),
    );
    clients.push(...talkers);
    for (const t of talkers) await t.join('#busy');
    const bobSeen: number[] = [];
    talkers[1]!.on('message', (m) => bobSeen.push(m.seq));

    // Everyone talks as fast as the server takes it: 3 x 2,000 lines of 2 KiB (12 MiB to sloth).
    const line = 'x'.repeat(2048);
    const rounds = 2000;
    let inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < rounds; i++) {
      inFlight.push(...talkers.map((t) => t.say('#busy', `${i} ${line}`)));
      if (i % 10 === 9) {
        await Promise.all(inFlight); // 30 lines in flight: well inside a reading client's bound
        inFlight = [];
      }
    }
    const total = rounds * talkers.length;
    await until(() => bobSeen.length === total, `${total} lines at bob`);

    // The stalled reader was kicked with a reason; its queue never passed the bound.
    expect(kicks).toEqual([expect.objectContaining({ nick: 'sloth', code: 'ERR_SLOW_CONSUMER' })]);
    const counters = server.counters();
    expect(counters.slowConsumerKicks).toBe(1);
    expect(counters.maxQueued).toBeLessThanOrEqual(maxQueueBytes);
    // Everyone else got every line, in order, exactly once.
    expect(bobSeen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(await talkers[0]!.who('#busy')).toEqual(['ann', 'bob', 'cy']);

    // Once sloth reads again, the reason is waiting after what its socket held at the kick.
    expect((await slow.next('error', (e) => e.code === 'ERR_SLOW_CONSUMER')).message).toContain(
      'not reading',
    );
    await until(() => slow.closed, 'close');
    expect(slow.received.filter((m) => m.type === 'msg').length).toBeLessThan(total);
  });
});
