/** The fast MessagePack codec agrees with msgpackr both ways, and fails safely on hostile bytes. */
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { SerializationError } from '../errors.ts';
import { defineProtocol } from '../protocol.ts';
import { Decoder } from './decode.ts';
import { Encoder } from './encode.ts';

const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  int64AsType: 'auto' as unknown as 'number',
});
const encoder = new Encoder(packr);
const decoder = new Decoder(packr);

/** Plain message-shaped values; `undefined` only where it is dropped (object fields). */
const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ minLength: 60, maxLength: 70000, unit: 'grapheme-ascii' }),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min: -70000, max: 70000 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    fc.array(tie('value'), { maxLength: 20 }),
    // msgpackr, the oracle here, renames a `__proto__` key to `__proto_` on decoding (its guard
    // against prototype pollution); ours keeps it as an own property, tested on its own below.
    fc.dictionary(
      fc.string({ maxLength: 10 }).filter((key) => key !== '__proto__'),
      tie('value'),
      { maxKeys: 20 },
    ),
  ),
})).value;

describe('MessagePack codec', () => {
  it('encodes what msgpackr decodes to the same value', () => {
    fc.assert(
      fc.property(plain, (value) => {
        expect(packr.unpack(encoder.encode(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes what msgpackr encodes (in both its map forms) to the same value', () => {
    const fixedMaps = new Packr({ useRecords: false });
    fc.assert(
      fc.property(plain, (value) => {
        // The oracle is msgpackr's own decoder (msgpackr sends -0 as 0, for one).
        for (const bytes of [packr.pack(value), fixedMaps.pack(value)]) {
          expect(decoder.decode(bytes)).toEqual(packr.unpack(bytes));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('leaves undefined fields out and hands other types to msgpackr', () => {
    expect(decoder.decode(encoder.encode({ a: 1, b: undefined }))).toEqual({ a: 1 });
    const date = new Date(1_763_812_345_678);
    expect(decoder.decode(encoder.encode({ at: date }))).toEqual({ at: date });
    expect(decoder.decode(encoder.encode({ n: 2n ** 62n }))).toEqual({ n: 2n ** 62n });
  });

  it('sends a __proto__ key as it is and decodes it as an own property, not a prototype', () => {
    const value = JSON.parse('{"__proto__": {"admin": true}, "nick": "ann"}') as object;
    const bytes = encoder.encode(value);
    // The key goes on the wire verbatim: fixmap of 2, fixstr of 9 bytes, "__proto__".
    expect(bytes.subarray(0, 11)).toEqual(Buffer.from([0x82, 0xa9, ...Buffer.from('__proto__')]));
    const decoded = decoder.decode(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.hasOwn(decoded, '__proto__')).toBe(true);
    expect(decoded.admin).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('ignores enumerable properties someone added to Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.injected = 1;
    try {
      expect(packr.unpack(encoder.encode({ a: 1 }))).toEqual({ a: 1 });
    } finally {
      delete proto.injected;
    }
  });

  it('keeps results stable while later messages are encoded', () => {
    const first = encoder.encode({ text: 'first' });
    const copy = Buffer.from(first);
    for (let i = 0; i < 5000; i++) encoder.encode({ text: 'x'.repeat(i % 300) });
    expect(first).toEqual(copy);
  });

  it('keeps a __proto__ key as an own property', () => {
    const bytes = Buffer.from([0x81, 0xa9, ...Buffer.from('__proto__'), 0x81, 0xa1, 0x78, 0x01]);
    const value = decoder.decode(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('hostile bytes', () => {
  const protocol = defineProtocol({ name: 'p', version: 1, messages: {} });

  function code(bytes: Uint8Array): string | undefined {
    try {
      protocol.unpack(bytes);
      return undefined;
    } catch (err) {
      expect(err).toBeInstanceOf(SerializationError);
      return (err as SerializationError).code;
    }
  }

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
        const bytes = Buffer.from(encoder.encode(value));
        // MessagePack is prefix-free: every strict prefix of a value is truncated.
        expect(code(bytes.subarray(0, at % bytes.length))).toBe('ERR_INVALID_MESSAGE');
        bytes[at % bytes.length] = byte;
        expect([undefined, 'ERR_INVALID_MESSAGE']).toContain(code(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses deep nesting and absurd lengths without recursing or allocating', () => {
    const deep = Buffer.concat([Buffer.alloc(100_000, 0x91), Buffer.from([0x00])]);
    expect(code(deep)).toBe('ERR_INVALID_MESSAGE');
    expect(code(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x00]))).toBe('ERR_INVALID_MESSAGE');
    expect(code(Buffer.from([0xdf, 0xff, 0xff, 0xff, 0xff]))).toBe('ERR_INVALID_MESSAGE');
    expect(code(Buffer.from([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]))).toBe('ERR_INVALID_MESSAGE');
    expect(code(Buffer.from([0xc1]))).toBe('ERR_INVALID_MESSAGE');
  });
});
