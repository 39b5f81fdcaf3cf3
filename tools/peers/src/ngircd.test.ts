/** startNgircd against raw IRC clients: registration (001), a channel message, stop. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NgircdPeer, startNgircd } from './ngircd.ts';
import { LineClient } from './test-client.ts';
import { expectStopped } from './test-helpers.ts';

async function register(irc: NgircdPeer, nick: string): Promise<LineClient> {
  const client = await LineClient.tcp(irc.port);
  client.send(`NICK ${nick}`);
  client.send(`USER ${nick} 0 * :netlab test`);
  await client.waitFor(/ 001 /);
  return client;
}

describe('startNgircd', { timeout: 60_000 }, () => {
  let irc: NgircdPeer;
  beforeAll(async () => {
    irc = await startNgircd();
  });
  afterAll(async () => {
    await irc?.stop();
  });

  it('welcomes NICK/USER with 001, long nicknames included', async () => {
    const client = await LineClient.tcp(irc.port);
    client.send('NICK load-tester-0001');
    client.send('USER tester 0 * :netlab test');
    expect(await client.waitFor(/ 001 /)).toMatch(/^:irc\.netlab\.test 001 load-tester-0001 :/);
    client.close();
  });

  it('relays a channel message from one client to another', async () => {
    const [alice, bob] = [await register(irc, 'alice'), await register(irc, 'bob')];
    for (const c of [alice, bob]) {
      c.send('JOIN #netlab');
      await c.waitFor(/ 366 /); // end of NAMES: joined
    }
    alice.send('PRIVMSG #netlab :hello bob');
    expect(await bob.waitFor(/PRIVMSG #netlab/)).toMatch(/^:alice!.* PRIVMSG #netlab :hello bob$/);
    alice.close();
    bob.close();
  });

  it('accepts many connections from one IP (per-IP limit lifted)', async () => {
    const clients = await Promise.all(
      Array.from({ length: 20 }, (_, i) => register(irc, `many${i}`)),
    );
    expect(clients).toHaveLength(20);
    for (const c of clients) c.close();
  });

  it('stop() kills ngircd and removes its state folder', async () => {
    const other = await startNgircd({ serverName: 'other.netlab.test' });
    await other.stop();
    expectStopped(other.pid, other.stateDir);
  });
});
