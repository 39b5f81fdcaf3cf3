/** The decode fast path agrees with the generic decoder + zod: same accept/reject, same values, same errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SerializationError } from './errors.ts';
import { createReader, decodeWith, MISS } from './fast-read.ts';
import { defineProtocol } from './protocol.ts';
import { compileMessages } from './schema-reader.ts';

const messages = {
  say: {
    room: z.string().regex(/^#[a-z]{1,8}$/),
    seq: z.number().int().min(0),
    ts: z.number(),
    text: z.string().min(1).max(20),
    urgent: z.boolean().optional(),
  },
  join: {
    nicks: z.array(z.string().max(4)).max(3),
    mode: z.enum(['op', 'voice']),
    ratio: z.number().gt(0).lte(1).optional(),
    limits: z.object({ rate: z.number(), burst: z.int().optional() }),
  },
  mixed: { value: z.union([z.number(), z.string()]) }, // a union: always zod's path
  empty: {},
};

function shapesOf(defs: typeof messages): Map<string, z.ZodRawShape> {
  return new Map(
    Object.entries(defs).map(([type, fields]) => [type, { type: z.literal(type), ...fields }]),
  );
}

const FIELD_ORDER = ['room', 'seq', 'ts', 'text', 'urgent', 'nicks', 'mode', 'ratio', 'limits'];
FIELD_ORDER.push('value', 'extra');

const junk = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.constantFrom('#a', '#lobby', 'op', 'voice', 'x', ''),
  fc.integer({ min: -300, max: 300 }),
  fc.double(),
  fc.constantFrom(0.5, 1, 2 ** 40, -0, 2 ** 53 + 2, 2n ** 63n, Number.NaN, -Infinity),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 5 }),
  fc.dictionary(fc.constantFrom('rate', 'burst', 'x'), fc.oneof(fc.integer(), fc.double())),
);

/** Messages close to the shapes: right and wrong values, fields dropped, added, reordered. */
const nearMessage = fc
  .record({
    type: fc.constantFrom('say', 'join', 'mixed', 'empty', 'other'),
    fields: fc.dictionary(fc.constantFrom(...FIELD_ORDER), junk, { maxKeys: 8 }),
    typeFirst: fc.boolean(),
    inShapeOrder: fc.boolean(),
  })
  .map(({ type, fields, typeFirst, inShapeOrder }) => {
    const entries = Object.entries(fields);
    if (inShapeOrder) entries.sort(([a], [b]) => FIELD_ORDER.indexOf(a) - FIELD_ORDER.indexOf(b));
    const sorted = Object.fromEntries(entries);
    return typeFirst ? { type, ...sorted } : { ...sorted, type };
  });

const validSay = fc.record(
  {
    type: fc.constant('say' as const),
    room: fc.constantFrom('#a', '#lobby'),
    seq: fc.nat(),
    ts: fc.double({ noNaN: true, noDefaultInfinity: true }),
    text: fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }), // code points, as zod counts
    urgent: fc.boolean(),
  },
  { requiredKeys: ['type', 'room', 'seq', 'ts', 'text'] },
);

/** Keys at every level, in order: zod's output order must be kept too. */
function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder);
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return typeof value;
  return Object.entries(value).map(([k, v]) => [k, keyOrder(v)]);
}

function outcome(run: () => unknown): { value?: unknown; error?: Record<string, unknown> } {
  try {
    return { value: run() };
  } catch (err) {
    expect(err).toBeInstanceOf(SerializationError);
    const { code, path, messageType, message } = err as SerializationError;
    return { error: { code, path, messageType, message } };
  }
}

describe.each(['strip', 'reject'] as const)('decode fast path (unknownKeys: %s)', (unknownKeys) => {
  const protocol = defineProtocol({ name: 'p', version: 1, unknownKeys, messages });
  const fast = compileMessages(shapesOf(messages));
  const reader = createReader();
  const generic = (bytes: Buffer) => protocol.validate(protocol.unpack(bytes));

  function agree(bytes: Buffer): unknown {
    const quick = decodeWith(fast, reader, bytes);
    const slow = outcome(() => generic(bytes));
    if (quick !== MISS) {
      // Accepted by the fast path: zod accepts it too, with the same value and key order.
      expect(slow.error).toBeUndefined();
      expect(quick).toEqual(slow.value);
      expect(keyOrder(quick)).toEqual(keyOrder(slow.value));
    }
    // What callers see is exactly the generic path's result or error (code, path, message).
    expect(outcome(() => protocol.decode(bytes))).toEqual(slow);
    return quick;
  }

  it('agrees with zod on messages near the shapes', () => {
    fc.assert(
      fc.property(nearMessage, (value) => {
        agree(protocol.pack(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with zod on arbitrary values and corrupted bytes', () => {
    fc.assert(
      fc.property(fc.anything(), validSay, fc.nat(), fc.nat(255), (value, say, at, byte) => {
        agree(protocol.pack(value));
        const bytes = Buffer.from(protocol.pack(say));
        agree(bytes.subarray(0, at % bytes.length));
        bytes[at % bytes.length] = byte;
        agree(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('takes the fast path for valid messages in shape order', () => {
    fc.assert(
      fc.property(validSay, (say) => {
        expect(agree(protocol.pack(say))).not.toBe(MISS);
      }),
      { numRuns: 500 },
    );
    const join = {
      type: 'join',
      nicks: ['ada', 'bob'],
      mode: 'op',
      limits: { rate: 1.5, burst: 3 },
    };
    expect(agree(protocol.pack(join))).toEqual(join);
    expect(agree(protocol.pack({ type: 'empty' }))).toEqual({ type: 'empty' });
  });

  it('leaves unions, bad values and unknown fields to zod, errors unchanged', () => {
    expect(agree(protocol.pack({ type: 'mixed', value: 1 }))).toBe(MISS);
    const bad = protocol.pack({ type: 'say', room: '#a', seq: -1, ts: 1, text: 'hi' });
    expect(agree(bad)).toBe(MISS);
    expect(outcome(() => protocol.decode(bad)).error).toMatchObject({ path: 'seq' });
    const extra = protocol.pack({ type: 'say', room: '#a', seq: 1, ts: 1, text: 'hi', x: 1 });
    expect(agree(extra)).toBe(MISS);
    const huge = protocol.pack({ type: 'say', room: '#a', seq: 2n ** 60n, ts: 1, text: 'hi' });
    expect(agree(huge)).toBe(MISS);
  });

  it('decodes a Uint8Array view into a larger buffer', () => {
    const bytes = protocol.pack({ type: 'say', room: '#a', seq: 1, ts: 1, text: 'hi' });
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 4);
    expect(protocol.decode(padded.subarray(4, 4 + bytes.length))).toEqual(protocol.decode(bytes));
  });
});
