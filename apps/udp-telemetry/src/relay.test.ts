/** Exact loss accounting through a real UDP relay that drops, duplicates and reorders chosen datagrams. */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from './client.ts';
import { decodeDatagram } from './codec.ts';
import { type Running, startCollector, waitUntil } from './test-helpers.ts';

interface Plan {
  drop: Set<number>;
  /** seq -> extra copies sent. */
  duplicate: Map<number, number>;
  /** seq -> forwarded right after this later seq. */
  holdUntil: Map<number, number>;
}

/** A relay on 127.0.0.1: every datagram is decoded for its seq and forwarded per the plan, in order. */
async function startRelay(target: number, plan: Plan) {
  const socket = dgram.createSocket('udp4');
  const held = new Map<number, Buffer>();
  let forwarded = 0;
  let chain = Promise.resolve();
  const send = (msg: Buffer) =>
    new Promise<void>((resolve, reject) =>
      socket.send(msg, target, '127.0.0.1', (error) => {
        forwarded++;
        if (error) reject(error);
        else resolve();
      }),
    );
  const handle = async (msg: Buffer) => {
    const { seq } = decodeDatagram(msg);
    if (plan.drop.has(seq)) return;
    if (plan.holdUntil.has(seq)) {
      held.set(seq, msg);
      return;
    }
    await send(msg);
    for (let i = 0; i < (plan.duplicate.get(seq) ?? 0); i++) await send(msg);
    for (const [late, after] of plan.holdUntil) {
      if (after === seq && held.has(late)) await send(held.get(late)!);
    }
  };
  // One datagram at a time, so what the relay forwards keeps the order the plan says.
  socket.on('message', (msg) => {
    chain = chain.then(() => handle(msg));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    forwarded: () => forwarded,
    close: async () => {
      await chain;
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

let running: Running | undefined;
afterEach(async () => {
  await running?.collector.close();
  running = undefined;
});

describe('loss accounting through a relay', { timeout: 60_000 }, () => {
  it('counts exactly what the relay dropped, duplicated and reordered', async () => {
    running = await startCollector();
    const plan: Plan = {
      drop: new Set([3, 7, 8]),
      duplicate: new Map([
        [5, 2],
        [12, 1],
      ]),
      holdUntil: new Map([
        [10, 14],
        [15, 16],
      ]),
    };
    const relay = await startRelay(running.port, plan);
    const agent = await connect({ port: relay.port, flushMs: 0, source: 'relay-agent' });
    for (let i = 0; i < 20; i++) {
      agent.increment('relay.hits', 1);
      agent.flush(); // one datagram per sample: seq i carries hit i
      await agent.drained();
    }
    await agent.close();
    // 20 sent - 3 dropped + 3 copies = 20 forwarded
    expect(await waitUntil(() => relay.forwarded() === 20)).toBe(true);
    await relay.close();
    const { collector } = running;
    expect(await waitUntil(() => collector.status().datagrams === 20)).toBe(true);
    const snap = collector.flush();
    expect(collector.sources()).toEqual([
      expect.objectContaining({
        source: 'relay-agent',
        received: 17,
        lost: 3,
        reordered: 2,
        duplicated: 3,
        late: 0,
      }),
    ]);
    // Duplicates are skipped, so the counter holds each hit that arrived once.
    expect(snap.counters.find((c) => c.name === 'relay.hits')?.value).toBe(17);
    const text = await (await fetch(`http://127.0.0.1:${running.httpPort}/metrics`)).text();
    expect(text).toContain('telemetry_source_lost_total{source="relay-agent"} 3\n');
    expect(text).toContain('telemetry_source_reordered_total{source="relay-agent"} 2\n');
    expect(text).toContain('telemetry_source_duplicated_total{source="relay-agent"} 3\n');
  });

  it('moves a dropped-then-late datagram out of lost only when it really arrives', async () => {
    running = await startCollector();
    const plan: Plan = { drop: new Set([1]), duplicate: new Map(), holdUntil: new Map([[2, 4]]) };
    const relay = await startRelay(running.port, plan);
    const agent = await connect({ port: relay.port, flushMs: 0, source: 'late-agent' });
    for (let i = 0; i < 6; i++) {
      agent.increment('late.hits');
      agent.flush();
      await agent.drained();
    }
    await agent.close();
    expect(await waitUntil(() => relay.forwarded() === 5)).toBe(true);
    await relay.close();
    const { collector } = running;
    expect(await waitUntil(() => collector.status().datagrams === 5)).toBe(true);
    expect(collector.sources()[0]).toMatchObject({
      received: 5,
      lost: 1,
      reordered: 1,
      duplicated: 0,
    });
  });
});
