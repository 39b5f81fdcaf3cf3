/** DirectReader properties: any frames under any read sizes; any bytes as the decoder sees them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DirectReader } from './direct-reader.ts';
import { FramingError } from './errors.ts';
import { type LengthPrefixedCodec, lengthPrefixed } from './length-prefixed.ts';

/**
 * Play the kernel: each read copies the next bytes of `wire` into the start of the buffer
 * the reader offers, at most `sizes[i]` (cycled; 0 means as many as fit) and never past its
 * end. Frames are kept as handed out, not copied, so a later overwrite would show.
 */
function readAll(codec: LengthPrefixedCodec, wire: Buffer, sizes: number[], reuse = false) {
  const reader = new DirectReader(codec.maxFrameSize, codec.header === 'varint', reuse);
  const frames: Buffer[] = [];
  // With reuse a frame lives only until the next read: copy it, as its consumer must.
  const onFrame = (frame: Buffer) => frames.push(reuse ? Buffer.from(frame) : frame);
  let at = 0;
  try {
    for (let i = 0; at < wire.length; i++) {
      const target = reader.nextBuffer();
      // A 0-byte buffer would stall a socket. (No expect() per read: there are many.)
      if (target.length === 0) throw new Error('nextBuffer() offered no room');
      const size = sizes.length === 0 ? 0 : sizes[i % sizes.length]!;
      const n = Math.min(target.length, wire.length - at, size === 0 ? target.length : size);
      wire.copy(target, 0, at, at + n);
      at += n;
      reader.commit(n, onFrame);
      if (reader.buffered > codec.maxFrameSize + 5) throw new Error(`${reader.buffered} held`);
    }
    reader.end();
    return { frames, code: undefined };
  } catch (err) {
    if (!(err instanceof FramingError)) throw err;
    return { frames, code: err.code };
  }
}

/** The same bytes through the codec's ordinary decoder, in one chunk: the oracle. */
function decodeAll(codec: LengthPrefixedCodec, wire: Buffer) {
  const decoder = codec.createDecoder();
  const frames: Buffer[] = [];
  try {
    decoder.write(wire, (frame) => frames.push(Buffer.from(frame)));
    decoder.end();
    return { frames, code: undefined };
  } catch (err) {
    if (!(err instanceof FramingError)) throw err;
    return { frames, code: err.code };
  }
}

/** Payloads of every class the reader treats differently: tiny, mid, and large (>= 16 KiB). */
const payload = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 4 },
  {
    arbitrary: fc
      .tuple(fc.integer({ min: 300, max: 140_000 }), fc.nat(255))
      .map(([length, fill]) => Buffer.alloc(length, fill).fill(fill + 1, length >> 1)),
    weight: 1,
  },
);
/**
 * Read sizes, cycled: tiny (around a header), up to past a region, or whatever fits (0). At
 * least one is not tiny, so a 140 KB frame takes thousands of reads, not a hundred thousand.
 */
const readSizes = fc
  .tuple(
    fc.oneof(fc.constant(0), fc.integer({ min: 10, max: 70_000 })),
    fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 70_000 })), {
      maxLength: 12,
    }),
  )
  .map(([one, more]) => [...more, one]);
const anyBytes = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 }), fc.constant(0x80)), {
    maxLength: 300,
  })
  .map((a) => Buffer.from(a));

const codecs = [
  lengthPrefixed(),
  lengthPrefixed({ header: 'varint' }),
  lengthPrefixed({ maxFrameSize: 70_000 }),
  lengthPrefixed({ header: 'varint', maxFrameSize: 200 }),
];

describe.each(codecs.map((c) => [`${c.name} max ${c.maxFrameSize}`, c] as const))(
  'DirectReader %s',
  (_, codec) => {
    it('reads any frames under any read sizes, and never writes into a frame it gave out', () => {
      fc.assert(
        fc.property(fc.array(payload, { maxLength: 12 }), readSizes, (list, sizes) => {
          const frames = list.filter((p) => p.length <= codec.maxFrameSize);
          const wire = Buffer.concat(frames.map((p) => codec.encode(p)));
          const result = readAll(codec, wire, sizes);
          expect(result.code).toBeUndefined();
          expect(result.frames.length).toBe(frames.length);
          result.frames.forEach((frame, i) => {
            expect(frame.equals(frames[i]!)).toBe(true);
          });
        }),
        { numRuns: 150 },
      );
    });

    it('with reuse, reads any frames under any read sizes (each copied as delivered)', () => {
      fc.assert(
        fc.property(fc.array(payload, { maxLength: 12 }), readSizes, (list, sizes) => {
          const frames = list.filter((p) => p.length <= codec.maxFrameSize);
          const wire = Buffer.concat(frames.map((p) => codec.encode(p)));
          const result = readAll(codec, wire, sizes, true);
          expect(result.code).toBeUndefined();
          expect(result.frames.length).toBe(frames.length);
          result.frames.forEach((frame, i) => {
            expect(frame.equals(frames[i]!)).toBe(true);
          });
        }),
        { numRuns: 100 },
      );
    });

    it('gives the decoder’s frames and error code for any bytes under any read sizes', () => {
      fc.assert(
        fc.property(anyBytes, readSizes, (wire, sizes) => {
          const direct = readAll(codec, wire, sizes);
          expect({ ...direct, frames: direct.frames.map((f) => Buffer.from(f)) }).toEqual(
            decodeAll(codec, wire),
          );
        }),
        { numRuns: 300 },
      );
    });
  },
);

describe('DirectReader', () => {
  it('reads each large frame into its own region: the payload is never copied', () => {
    const codec = lengthPrefixed();
    const payloads = Array.from({ length: 8 }, (_, i) => Buffer.alloc(65536, i));
    const { frames } = readAll(codec, Buffer.concat(payloads.map((p) => codec.encode(p))), []);
    expect(frames.map((f) => f[65535])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // After the first (whose start came in a 64 KiB region), each frame sits right after
    // its header at the start of a region of its own: only the 4 header bytes were moved.
    for (const frame of frames.slice(1)) {
      expect(frame.byteOffset).toBe(4);
      expect(frame.buffer.byteLength).toBe(4 + 65536 + 4);
    }
    expect(new Set(frames.map((f) => f.buffer)).size).toBe(8);
  });

  it('with reuse, reads into the same memory again once its frames were delivered', () => {
    const codec = lengthPrefixed();
    const regions = new Set<ArrayBufferLike>();
    const reader = new DirectReader(codec.maxFrameSize, false, true);
    const wire = Buffer.concat(
      Array.from({ length: 40 }, (_, i) => codec.encode(Buffer.alloc(i < 20 ? 1000 : 65536, i))),
    );
    const seen: number[] = [];
    let last: Buffer = Buffer.alloc(0);
    for (let at = 0; at < wire.length; ) {
      const target = reader.nextBuffer();
      regions.add(target.buffer);
      const n = Math.min(target.length, wire.length - at);
      wire.copy(target, 0, at, at + n);
      at += n;
      reader.commit(n, (frame) => {
        seen.push(frame[frame.length - 1]!);
        last = frame;
      });
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // One 64 KiB region for the small frames, one grown for the first large frame: then
    // each large frame is read into the same memory as the one before.
    expect(regions.size).toBeLessThanOrEqual(3);
    // While frames wait to be delivered (mayReuse false) their memory is left alone.
    const held = reader.nextBuffer(false);
    const apart = held.buffer !== last.buffer || held.byteOffset >= last.byteOffset + last.length;
    expect(apart).toBe(true);
  });

  it('with reuse, leaves frames alone while they wait to be delivered', () => {
    const codec = lengthPrefixed();
    const wire = Buffer.concat(
      Array.from({ length: 100 }, (_, i) => codec.encode(Buffer.alloc(1000, i))),
    );
    /** One full region of frames kept as views (65 whole, part of the next), then `next`. */
    const firstFrameAfter = (mayReuse: boolean) => {
      const reader = new DirectReader(codec.maxFrameSize, false, true);
      const target = reader.nextBuffer();
      wire.copy(target, 0, 0, target.length);
      const waiting: Buffer[] = [];
      reader.commit(target.length, (frame) => waiting.push(frame));
      reader.nextBuffer(mayReuse); // the partial frame must move: there is no room left
      return waiting;
    };
    const waiting = firstFrameAfter(false);
    waiting.forEach((frame, i) => {
      expect(frame.equals(Buffer.alloc(1000, i))).toBe(true);
    });
    // Told that every frame was delivered, it moves the partial frame over the first.
    expect(firstFrameAfter(true)[0]!.equals(Buffer.alloc(1000, 0))).toBe(false);
  });

  it('reports truncation and oversize with the decoder’s numbers', () => {
    const codec = lengthPrefixed({ maxFrameSize: 100_000 });
    const cut = readAll(codec, codec.encode(Buffer.alloc(70_000)).subarray(0, 50_000), [0]);
    expect(cut.code).toBe('ERR_TRUNCATED');
    const reader = new DirectReader(100, false);
    reader.nextBuffer().set([0, 0, 0, 101]);
    const error = (() => {
      try {
        reader.commit(4, () => {});
      } catch (err) {
        return err as FramingError;
      }
    })();
    expect(error?.code).toBe('ERR_FRAME_TOO_LARGE');
    expect([error?.size, error?.maxFrameSize]).toEqual([101, 100]);
    expect(() => reader.commit(0, () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_DECODER_CLOSED' }),
    );

    const header = new DirectReader(100, false);
    header.nextBuffer().set([0, 0]);
    header.commit(2, () => {});
    expect(() => header.end()).toThrow(
      expect.objectContaining({ code: 'ERR_TRUNCATED', expected: 4, received: 2 }),
    );
  });
});
