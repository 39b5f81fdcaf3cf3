/** defineProtocol: round trips, typed unions, and every kind of invalid input. */
import { Packr } from 'msgpackr';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { SerializationError } from './errors.ts';
import { defineProtocol } from './protocol.ts';
import type { MessageOf, MessageOfType } from './types.ts';

const chat = defineProtocol({
  name: 'tcp-chat',
  version: 1,
  messages: {
    hello: { nick: z.string().min(1) },
    say: { room: z.string(), text: z.string() },
    members: { room: z.string(), members: z.array(z.object({ nick: z.string() })) },
  },
});
const standard = new Packr({ useRecords: false });

function failure(fn: () => unknown): SerializationError {
  try {
    fn();
  } catch (err) {
    return err as SerializationError;
  }
  throw new Error('expected a SerializationError');
}

describe('defineProtocol', () => {
  it('round-trips each message type', () => {
    const messages: MessageOf<typeof chat>[] = [
      { type: 'hello', nick: 'ada' },
      { type: 'say', room: 'lobby', text: 'hi ☃' },
      { type: 'members', room: 'lobby', members: [{ nick: 'ada' }, { nick: 'bob' }] },
    ];
    for (const message of messages) expect(chat.decode(chat.encode(message))).toEqual(message);
  });

  it('gives apps the union and per-type types', () => {
    expectTypeOf<MessageOfType<typeof chat, 'say'>>().toEqualTypeOf<{
      type: 'say';
      room: string;
      text: string;
    }>();
    const message = chat.decode(chat.encode({ type: 'hello', nick: 'x' }));
    if (message.type === 'hello') expectTypeOf(message.nick).toBeString();
  });

  it('writes standard MessagePack (no record extension)', () => {
    const bytes = chat.encode({ type: 'say', room: 'r', text: 't' });
    expect(bytes[0]! & 0xf0).toBe(0x80); // a fixmap: plain MessagePack, no extension
    expect(standard.unpack(bytes)).toEqual({ type: 'say', room: 'r', text: 't' });
  });

  it('decodes 64-bit integers as numbers while exact, BigInt beyond', () => {
    const sample = defineProtocol({
      name: 'n',
      version: 1,
      messages: { n: { value: z.number() }, any: { value: z.unknown() } },
    });
    // uint64 2^40 (0xcf), as Python and Go send it.
    const u64 = Buffer.from('82a474797065a16ea576616c7565cf0000010000000000', 'hex');
    expect(sample.decode(u64)).toEqual({ type: 'n', value: 2 ** 40 });
    const huge = Buffer.from('82a474797065a3616e79a576616c7565cfffffffffffffffff', 'hex');
    expect(sample.decode(huge)).toEqual({ type: 'any', value: 2n ** 64n - 1n });
    // msgpackr writes -0 as the integer 0 (as JSON.stringify does): the sign is not kept.
    expect(Object.is(sample.decode(sample.encode({ type: 'n', value: -0 })).value, 0)).toBe(true);
  });

  it('strips unknown fields by default', () => {
    const bytes = standard.pack({ type: 'say', room: 'r', text: 't', extra: 1 });
    expect(chat.decode(bytes)).toEqual({ type: 'say', room: 'r', text: 't' });
  });

  it('rejects unknown fields with unknownKeys: reject', () => {
    const strict = defineProtocol({
      name: 's',
      version: 1,
      unknownKeys: 'reject',
      messages: { ping: { seq: z.number() } },
    });
    const error = failure(() => strict.decode(standard.pack({ type: 'ping', seq: 1, x: 2 })));
    expect(error.code).toBe('ERR_INVALID_MESSAGE');
    expect(error.path).toBe('x');
  });

  it('reports the path of a wrong field', () => {
    const error = failure(() => chat.decode(standard.pack({ type: 'say', room: 5, text: 't' })));
    expect(error.code).toBe('ERR_INVALID_MESSAGE');
    expect(error.path).toBe('room');
    expect(error.messageType).toBe('say');
    const nested = failure(() =>
      chat.decode(
        standard.pack({
          type: 'members',
          room: 'r',
          members: [{ nick: 'a' }, { nick: 'b' }, { nick: 3 }],
        }),
      ),
    );
    expect(nested.path).toBe('members[2].nick');
  });

  it('reports a missing field and a failed check', () => {
    expect(failure(() => chat.decode(standard.pack({ type: 'say', room: 'r' }))).path).toBe('text');
    expect(failure(() => chat.decode(standard.pack({ type: 'hello', nick: '' }))).path).toBe(
      'nick',
    );
  });

  it('rejects an unknown type, a missing type and a non-map', () => {
    for (const value of [{ type: 'nope' }, { room: 'r' }, [1, 2], 'say', null]) {
      const error = failure(() => chat.decode(standard.pack(value)));
      expect(error.code).toBe('ERR_INVALID_MESSAGE');
      expect(['type', '']).toContain(error.path);
    }
  });

  it('wraps bad MessagePack without leaking the library error', () => {
    const good = chat.encode({ type: 'say', room: 'r', text: 't' });
    for (const bytes of [
      good.subarray(0, 5),
      Buffer.concat([good, Buffer.from([1])]),
      Buffer.alloc(0),
    ]) {
      const error = failure(() => chat.decode(bytes));
      expect(error.name).toBe('SerializationError');
      expect(error.code).toBe('ERR_INVALID_MESSAGE');
      expect(error.path).toBe('');
    }
  });
});
