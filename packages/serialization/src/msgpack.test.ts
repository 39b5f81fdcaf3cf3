/** msgpackr as configured: the documented options it must honour, and hostile bytes refused. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerializationError } from './errors.ts';
import { MAX_DEPTH } from './msgpack.ts';
import { defineProtocol } from './protocol.ts';

const protocol = defineProtocol({ name: 'p', version: 1, messages: {} });
const hex = (value: unknown) => protocol.pack(value).toString('hex');

/** Plain values that survive a round trip (msgpackr sends -0 as 0 and renames __proto__). */
const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ minLength: 60, maxLength: 70000, unit: 'grapheme-ascii' }),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min: -70000, max: 70000 }),
    fc.double().filter((n) => !Object.is(n, -0)),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    fc.array(tie('value'), { maxLength: 20 }),
    fc.dictionary(
      fc.string({ maxLength: 10 }).filter((key) => key !== '__proto__'),
      tie('value'),
      { maxKeys: 20 },
    ),
  ),
})).value;

function code(bytes: Uint8Array): string | undefined {
  try {
    protocol.unpack(bytes);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(SerializationError);
    return (err as SerializationError).code;
  }
}

/** `depth` arrays, one inside the other, around a 0. */
const nested = (depth: number) => Buffer.concat([Buffer.alloc(depth, 0x91), Buffer.from([0])]);

describe('msgpackr, as configured', () => {
  it('honours the options its README documents and its types lack', () => {
    // int64AsType 'auto': uint64 2^40 (as Python and Go send it) a number, 2^64 - 1 a BigInt.
    expect(protocol.unpack(Buffer.from('cf0000010000000000', 'hex'))).toBe(2 ** 40);
    expect(protocol.unpack(Buffer.from('cfffffffffffffffff', 'hex'))).toBe(2n ** 64n - 1n);
    // skipValues [undefined]: the field is left out (fixmap of 1), as JSON does.
    expect(hex({ a: 1, b: undefined })).toBe('81a16101');
  });

  it('writes the smallest standard forms, as other implementations do', () => {
    expect(hex({ type: 'x' })).toBe('81a474797065a178'); // fixmap, fixstr
    expect(hex([0, 127, 128, 256, -1, -33])).toBe('96007fcc80cd0100ffd0df'); // ints
    expect(hex('x'.repeat(40)).slice(0, 4)).toBe('d928'); // str 8
    expect(hex(Buffer.from([1, 2]))).toBe('c4020102'); // bin 8
    expect(hex(0.5)).toBe('cb3fe0000000000000'); // float 64
  });

  it('round-trips plain values', () => {
    fc.assert(
      fc.property(plain, (value) => {
        expect(protocol.unpack(protocol.pack(value))).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes bin into memory of its own', () => {
    const bytes = protocol.pack({ bin: Buffer.from([1, 2, 3]) });
    const { bin } = protocol.unpack(bytes) as { bin: Buffer };
    expect(bin.buffer).not.toBe(bytes.buffer);
  });

  it('keeps results stable while later messages are encoded', () => {
    const first = protocol.pack({ text: 'first' });
    const copy = Buffer.from(first);
    for (let i = 0; i < 5000; i++) protocol.pack({ text: 'x'.repeat(i % 300) });
    expect(first).toEqual(copy);
  });

  it('sends a __proto__ key as it is; decoding one never touches a prototype', () => {
    const value = JSON.parse('{"__proto__": {"admin": true}, "nick": "ann"}') as object;
    const bytes = protocol.pack(value);
    // fixmap of 2, fixstr of 9 bytes, "__proto__".
    expect(bytes.subarray(0, 11)).toEqual(Buffer.from([0x82, 0xa9, ...Buffer.from('__proto__')]));
    const decoded = protocol.unpack(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded.admin).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.keys(decoded)).toEqual(['__proto_', 'nick']); // msgpackr's renaming
  });

  it('ignores enumerable properties someone added to Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.injected = 1;
    try {
      expect(hex({ a: 1 })).toBe('81a16101');
    } finally {
      delete proto.injected;
    }
  });

  it('refuses a value it cannot encode with ERR_ENCODE_FAILED', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => protocol.pack(cycle)).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODE_FAILED' }),
    );
  });
});

describe('hostile bytes', () => {
  it('turns any bytes into a value or ERR_INVALID_MESSAGE', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect([undefined, 'ERR_INVALID_MESSAGE']).toContain(code(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('turns corrupted messages into a value or ERR_INVALID_MESSAGE', () => {
    fc.assert(
      fc.property(plain, fc.nat(), fc.integer({ min: 0, max: 255 }), (value, at, byte) => {
        const bytes = Buffer.from(protocol.pack(value));
        // MessagePack is prefix-free: every strict prefix of a value is truncated.
        expect(code(bytes.subarray(0, at % bytes.length))).toBe('ERR_INVALID_MESSAGE');
        bytes[at % bytes.length] = byte;
        expect([undefined, 'ERR_INVALID_MESSAGE']).toContain(code(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} levels, and far deeper, then decodes on`, () => {
    expect(code(nested(MAX_DEPTH))).toBeUndefined();
    expect(code(nested(MAX_DEPTH + 1))).toBe('ERR_INVALID_MESSAGE');
    expect(code(Buffer.from([0x81, 0xa1, 0x61, ...nested(MAX_DEPTH)]))).toBe('ERR_INVALID_MESSAGE');
    expect(code(nested(100_000))).toBe('ERR_INVALID_MESSAGE');
    expect(protocol.unpack(protocol.pack({ after: [1, 'two'] }))).toEqual({ after: [1, 'two'] });
  });

  it('refuses lengths beyond the bytes present, and the reserved byte 0xc1', () => {
    expect(code(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x00]))).toBe('ERR_INVALID_MESSAGE');
    expect(code(Buffer.from([0xdf, 0xff, 0xff, 0xff, 0xff]))).toBe('ERR_INVALID_MESSAGE');
    expect(code(Buffer.from([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]))).toBe('ERR_INVALID_MESSAGE');
    expect(code(Buffer.from([0xc1]))).toBe('ERR_INVALID_MESSAGE');
    expect(code(Buffer.from([0x91, 0xc1]))).toBe('ERR_INVALID_MESSAGE');
  });
});
