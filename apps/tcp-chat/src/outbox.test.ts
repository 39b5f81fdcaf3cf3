import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Flusher } from './flusher.ts';
import { Outbox, type OutboxOwner } from './outbox.ts';
import { until } from './test-helpers.ts';

const open: net.Socket[] = [];
let server: net.Server | undefined;

afterEach(() => {
  for (const s of open.splice(0)) s.destroy();
  server?.close();
  server = undefined;
});

/** `n` connected pairs over loopback: the server's end to write to, the client's to read. */
async function pairs(
  n: number,
): Promise<{ ours: net.Socket; theirs: net.Socket; received: () => Buffer }[]> {
  const accepted: net.Socket[] = [];
  server = net.createServer((s) => accepted.push(s));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const readers: (() => Buffer)[] = [];
  const clients: net.Socket[] = [];
  // One at a time, so the i-th accepted socket is the i-th client's peer.
  for (let i = 0; i < n; i++) {
    const socket = net.connect(port, '127.0.0.1');
    open.push(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    readers.push(() => Buffer.concat(chunks));
    clients.push(socket);
    await until(() => accepted.length === i + 1, `connection ${i} accepted`);
  }
  open.push(...accepted);
  return readers.map((received, i) => ({ ours: accepted[i]!, theirs: clients[i]!, received }));
}

const bytes = (text: string) => Buffer.from(text);
/** An owner that never needs to decide: these queues stay far below their bound. */
const quiet: OutboxOwner = { overflow: () => {} };

describe('Outbox and Flusher', () => {
  it('writes each connection exactly its own frames when the lists only look alike', async () => {
    const [a, b, c, x] = [bytes('aa'), bytes('bbb'), bytes('cc'), bytes('xxx')];
    // x has b's length: lists 1, 2, 4 are one list; list 3 differs only in the middle.
    const lists = [[a, b, c], [a, b, c], [a, x, c], [a, b, c], [c]];
    const peers = await pairs(lists.length);
    const flusher = new Flusher();
    const boxes = peers.map(({ ours }) => new Outbox(ours, flusher, 1 << 20, quiet));
    for (const [i, list] of lists.entries()) for (const f of list) boxes[i]!.push(f);
    const want = lists.map((list) => Buffer.concat(list).toString());
    await until(
      () => peers.every((p, i) => p.received().length === want[i]!.length),
      'every connection received its bytes',
    );
    expect(peers.map((p) => p.received().toString())).toEqual(want);
  });

  it('drops the frames of a connection destroyed during the tick, then refuses more', async () => {
    const [peer] = await pairs(1);
    const box = new Outbox(peer!.ours, new Flusher(), 1 << 20, quiet);
    expect(box.push(bytes('a'))).toBe(true);
    peer!.ours.destroy();
    // Same tick: the socket was looked at with the tick's first frame only.
    expect(box.push(bytes('b'))).toBe(true);
    box.flush();
    expect(box.push(bytes('c'))).toBe(false);
  });

  it('joins a list once and reuses the join for the same frames, not for equal bytes', () => {
    const flusher = new Flusher();
    const [a, b] = [bytes('hello'), bytes('world')];
    const first = flusher.join([a, b], 10);
    expect(first.toString()).toBe('helloworld');
    expect(flusher.join([a, b], 10)).toBe(first);
    const copy = Buffer.from(b);
    const other = flusher.join([a, copy], 10);
    expect(other).not.toBe(first);
    expect(other.toString()).toBe('helloworld');
    expect(flusher.join([a], 5).toString()).toBe('hello');
  });

  it('drops what is still queued when finished with drop: the last frame is next', async () => {
    const [peer] = await pairs(1);
    peer!.theirs.pause(); // a reader that stopped: the kernel fills, then Node, then the box
    const box = new Outbox(peer!.ours, new Flusher(), 256 * 2 ** 20, quiet);
    const held = Buffer.alloc(64 * 1024, 'w');
    for (let i = 0; i < 2000 && box.queuedBytes === peer!.ours.writableLength; i++) {
      box.push(held);
      box.flush();
      await new Promise((r) => setImmediate(r));
    }
    expect(box.queuedBytes).toBeGreaterThan(peer!.ours.writableLength); // frames wait in the box
    box.push(Buffer.alloc(100, 'q'));
    box.finish([Buffer.from('BYE')], { drop: true });
    peer!.theirs.resume();
    const ended = once(peer!.theirs, 'end');
    await ended;
    const got = peer!.received();
    expect(got.subarray(-3).toString()).toBe('BYE');
    expect(got.includes('q')).toBe(false); // never written: dropped
    expect(got.length % held.length).toBe(3); // whole frames the socket held, then the reason
  });
});
