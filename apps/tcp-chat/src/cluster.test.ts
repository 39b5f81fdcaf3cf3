/** Three servers sharing a real Redis (@netlab/peers): rooms, nicks, replay, outages. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort, type RedisPeer, startRedis } from '@netlab/peers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChatClient, type ClientOptions, connect } from './client.ts';
import type { ChatLine, Msg } from './protocol.ts';
import { type ChatServer, createServer, type ServerOptions } from './server.ts';
import { until } from './test-helpers.ts';

const T = { timeout: 60_000 };
const appDir = fileURLToPath(new URL('..', import.meta.url));
let redis: RedisPeer;
let servers: ChatServer[] = [];
const clients: ChatClient[] = [];
const children: ChildProcess[] = [];
let run = 0;

beforeAll(async () => {
  redis = await startRedis();
}, 120_000);

afterAll(async () => {
  await redis?.stop();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.map((s) => s.close(500)));
  servers = [];
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Three in-process servers on port 0 sharing `redis` under a prefix of their own. */
async function cluster(n = 3, options: ServerOptions = {}, peer = redis): Promise<number[]> {
  const prefix = `t${process.pid}-${++run}:`;
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const server = createServer({
      rate: 0,
      ...options,
      redis: { host: peer.host, port: peer.port, prefix },
    });
    servers.push(server);
    ports.push((await server.listen(0)).port);
  }
  return ports;
}

async function user(
  nick: string,
  port: number,
  opts: Partial<ClientOptions> = {},
): Promise<ChatClient> {
  const c = await connect({ port, nick, reconnect: false, ...opts });
  clients.push(c);
  return c;
}

function collect<T = ChatLine>(c: ChatClient, event = 'message'): T[] {
  const seen: T[] = [];
  c.on(event, (m: T) => seen.push(m));
  return seen;
}

/** `tcp-chat server --redis URL` as a child process, under its own key prefix per run. */
async function spawnServer(...extra: string[]): Promise<{ child: ChildProcess; port: number }> {
  const args = [
    '--import',
    'tsx',
    'src/main.ts',
    'server',
    '--port',
    '0',
    '--rate',
    '0',
    '--history',
    '1000',
  ];
  const child = spawn(
    process.execPath,
    [...args, '--stats-interval', '0', '--redis', redis.url, ...extra],
    {
      cwd: appDir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await until(() => /listening on /.test(out) || child.exitCode !== null, 'a server process');
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  if (!port) throw new Error(`server did not start: ${out}`);
  return { child, port };
}

describe('a cluster of three servers sharing Redis', () => {
  it('carries a conversation across servers with one sequence per room', T, async () => {
    const [a, b, c] = await cluster();
    const ann = await user('ann', a!);
    const bob = await user('bob', b!);
    const cy = await user('cy', c!);
    const annPresence = collect<Msg<'presence'>>(ann, 'presence');
    await ann.join('#lobby');
    await bob.join('#lobby');
    await cy.join('#lobby');
    const seen = [collect(ann), collect(bob), collect(cy)];
    await ann.say('#lobby', 'hello from a');
    await bob.say('#lobby', 'hello from b');
    await cy.say('#lobby', 'hello from c');
    await until(() => seen.every((s) => s.length === 3), 'three lines everywhere');
    for (const s of seen) {
      expect(s.map((m) => [m.seq, m.from, m.text])).toEqual([
        [1, 'ann', 'hello from a'],
        [2, 'bob', 'hello from b'],
        [3, 'cy', 'hello from c'],
      ]);
    }
    await until(() => annPresence.length === 2, 'presence from the other servers');
    expect(annPresence.map((p) => [p.nick, p.action])).toEqual([
      ['bob', 'join'],
      ['cy', 'join'],
    ]);
    expect(await bob.who('#lobby')).toEqual(['ann', 'bob', 'cy']);
    expect(await cy.listRooms()).toEqual([{ name: '#lobby', members: 3, seq: 3 }]);
    const whispers = collect<Msg<'private'>>(cy, 'private');
    expect(await ann.whisper('cy', 'psst')).toMatchObject({ from: 'ann', to: 'cy', text: 'psst' });
    await until(() => whispers.length === 1, 'the whisper on server c');
    await expect(ann.whisper('nobody', 'hi')).rejects.toMatchObject({ code: 'ERR_NO_SUCH_NICK' });
    // A late joiner on any server gets the shared history.
    const dee = await user('dee', b!);
    const history = collect(dee);
    expect(await dee.join('#lobby')).toMatchObject({ seq: 3, history: 3, complete: true });
    await until(() => history.length === 3, 'history');
    expect(history.map((m) => m.text)).toEqual(['hello from a', 'hello from b', 'hello from c']);
    await bob.leave('#lobby');
    expect(await cy.who('#lobby')).toEqual(['ann', 'cy', 'dee']);
  });

  it('keeps nicks unique across servers, and frees them when their owner leaves', T, async () => {
    const [a, b, c] = await cluster();
    const ann = await user('ann', a!);
    await expect(user('ann', b!)).rejects.toMatchObject({ code: 'ERR_NICK_IN_USE' });
    const bob = await user('bob', c!);
    await expect(bob.rename('ann')).rejects.toMatchObject({ code: 'ERR_NICK_IN_USE' });
    await bob.join('#x');
    const seen = collect<Msg<'presence'>>(await user('cy', a!), 'presence');
    await clients.at(-1)!.join('#x');
    await bob.rename('robert');
    await until(() => seen.length === 1, 'the rename on server a');
    expect(seen[0]).toMatchObject({ nick: 'bob', action: 'nick', to: 'robert' });
    expect(await ann.who('#x')).toEqual(['cy', 'robert']);
    // bob's old nick is free again, on any server.
    await user('bob', b!);
    await ann.close();
    await until(() => servers[0]!.counters().connections === 1, 'ann gone');
    expect((await user('ann', b!)).nick).toBe('ann');
  });

  it('replays gap-free after one server is killed mid-conversation', T, async () => {
    // Real server processes (the CLI, --redis): one of them gets SIGKILL, no bye, no clean-up.
    const [a, b, c] = await Promise.all([spawnServer(), spawnServer(), spawnServer()]);
    const ann = await user('ann', a!.port, { reconnect: { baseMs: 20, capMs: 200 } });
    await ann.join('#k');
    const wire: number[] = [];
    const bob = await user('bob', 0, {
      servers: [b!, c!].map(({ port }) => ({ host: '127.0.0.1', port })),
      reconnect: { baseMs: 20, capMs: 200 },
      trace: (dir, _peer, _bytes, m) => {
        const msg = m as { type?: string; seq?: number };
        if (dir === 'in' && msg.type === 'msg') wire.push(msg.seq!);
      },
    });
    await bob.join('#k');
    const seen = collect(bob);
    const gaps = collect(bob, 'gap');
    const total = 400;
    let moved: Promise<unknown> = Promise.resolve();
    for (let i = 1; i <= total; i++) {
      ann.say('#k', `n${i}`).catch(() => {}); // the sync lines below check delivery
      if (i % 50 === 0) await ann.say('#k', `sync ${i}`);
      if (i === 200) {
        moved = once(bob, 'reconnected');
        b!.child.kill('SIGKILL'); // bob's server dies; ann (on a) keeps talking
      }
    }
    await moved;
    expect(bob.server).toBe(`127.0.0.1:${c!.port}`);
    const expected = total + total / 50;
    await until(() => seen.length === expected, `${expected} lines at bob`);
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    expect(new Set(wire).size).toBe(wire.length); // nothing sent twice, even across servers
    expect(gaps).toEqual([]);
    // bob took his nick back from the dead server with his token, and talks on.
    expect(await ann.who('#k')).toEqual(['ann', 'bob']);
    expect(await bob.say('#k', 'made it')).toMatchObject({ seq: expected + 1 });
  });

  it(
    'rides out a Redis restart: notices, ERR_BUS_DOWN meanwhile, rooms start over',
    T,
    async () => {
      const [a, b, c] = await cluster();
      const ann = await user('ann', a!);
      const bob = await user('bob', b!);
      await ann.join('#r');
      await bob.join('#r');
      const seen = collect(bob);
      await ann.say('#r', 'one');
      await ann.say('#r', 'two');
      await until(() => seen.length === 2, 'two lines at bob');
      const notices = [
        collect<Msg<'notice'>>(ann, 'notice'),
        collect<Msg<'notice'>>(bob, 'notice'),
      ];
      const resets = collect(bob, 'reset');
      await redis.kill();
      await until(() => notices.every((n) => n.some((x) => x.code === 'BUS_DOWN')), 'BUS_DOWN');
      await expect(bob.say('#r', 'into the void')).rejects.toMatchObject({ code: 'ERR_BUS_DOWN' });
      await expect(user('cy', c!)).rejects.toMatchObject({ code: 'ERR_BUS_DOWN' });
      await redis.restart(); // empty: the rooms' logs, nicks and members are gone
      await until(() => notices.every((n) => n.some((x) => x.code === 'BUS_UP')), 'BUS_UP');
      for (const n of notices) {
        expect(n.map((x) => [x.code, x.room])).toEqual([
          ['BUS_DOWN', undefined],
          ['ROOM_RESET', '#r'],
          ['BUS_UP', undefined],
        ]);
      }
      expect(resets).toEqual([{ room: '#r' }]);
      // Everything a server knew was put back: members, nicks; the room counts from 1 again.
      expect(await bob.who('#r')).toEqual(['ann', 'bob']);
      // b is back (bob had BUS_UP); c may still be reconnecting, so ask b.
      await expect(user('ann', b!)).rejects.toMatchObject({ code: 'ERR_NICK_IN_USE' });
      expect(await ann.say('#r', 'after')).toMatchObject({ seq: 1 });
      await until(() => seen.length === 3, 'the first line after the restart at bob');
      expect(seen[2]).toMatchObject({ seq: 1, from: 'ann', text: 'after' });
      const conns = () => servers.map((s) => s.counters().connections).join(' ');
      await until(() => conns() === '1 1 0', 'only ann and bob connected'); // nothing crashed
    },
  );

  it(
    'carries on with the same numbering after a Redis that keeps its data restarts',
    T,
    async () => {
      const durable = await startRedis({ persistence: true });
      try {
        const [a, b] = await cluster(2, {}, durable);
        const ann = await user('ann', a!);
        const bob = await user('bob', b!);
        await ann.join('#p');
        await bob.join('#p');
        const seen = collect(bob);
        const notices = collect<Msg<'notice'>>(bob, 'notice');
        await ann.say('#p', 'before');
        await durable.kill();
        await durable.restart();
        await until(() => notices.some((n) => n.code === 'BUS_UP'), 'BUS_UP');
        expect(notices.map((n) => n.code)).toEqual(['BUS_DOWN', 'BUS_UP']); // no ROOM_RESET
        expect(await ann.say('#p', 'after')).toMatchObject({ seq: 2 });
        await until(() => seen.length === 2, 'both lines at bob');
        expect(seen.map((m) => [m.seq, m.text])).toEqual([
          [1, 'before'],
          [2, 'after'],
        ]);
      } finally {
        await Promise.all(servers.splice(0).map((s) => s.close(500)));
        await durable.stop();
      }
    },
  );

  it('connects through the next server when the first of the list is down', T, async () => {
    const [a] = await cluster(1);
    const dead = await freePort();
    const ann = await user('ann', 0, {
      servers: [dead, a!].map((port) => ({ host: '127.0.0.1', port })),
    });
    expect(ann.server).toBe(`127.0.0.1:${a}`);
    await expect(
      connect({ nick: 'bob', reconnect: false, servers: [{ host: '127.0.0.1', port: dead }] }),
    ).rejects.toMatchObject({ code: 'ERR_CONNECT' });
  });

  it(
    "frees a dead server's nicks after their TTL, while the heartbeat keeps live ones",
    T,
    async () => {
      const [a, b] = await Promise.all([
        spawnServer('--nick-ttl', '600'),
        spawnServer('--nick-ttl', '600'),
      ]);
      await user('ann', a!.port);
      await user('bob', b!.port);
      await new Promise((r) => setTimeout(r, 1500)); // 2.5 TTLs: only heartbeats keep them
      await expect(user('ann', b!.port)).rejects.toMatchObject({ code: 'ERR_NICK_IN_USE' });
      await expect(user('bob', a!.port)).rejects.toMatchObject({ code: 'ERR_NICK_IN_USE' });
      a!.child.kill('SIGKILL'); // no clean-up: ann's key stays until it expires
      let ann: ChatClient | undefined;
      for (let i = 0; i < 100 && !ann; i++) {
        ann = await user('ann', b!.port).catch((err) => {
          expect(err).toMatchObject({ code: 'ERR_NICK_IN_USE' }); // until then, still taken
          return new Promise<undefined>((r) => setTimeout(() => r(undefined), 100));
        });
      }
      expect(ann?.nick).toBe('ann');
    },
  );

  it('says ERR_BUS_DOWN at start when Redis is not there', T, async () => {
    const port = await freePort();
    const server = createServer({ redis: { host: '127.0.0.1', port } });
    await expect(server.listen(0)).rejects.toMatchObject({ code: 'ERR_BUS_DOWN' });
  });
});
