/** Property tests: any frames under any chunking round-trip; any bytes give frames or FramingError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrameCodec, FrameDecoder } from './codec.ts';
import { delimited } from './delimited.ts';
import { FramingError } from './errors.ts';
import { lengthPrefixed } from './length-prefixed.ts';

/** Cut `bytes` at arbitrary points (possibly empty chunks, possibly one-byte chunks). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** Feed all chunks then end; returns the frames, or the FramingError code that stopped it. */
function decodeAll(decoder: FrameDecoder, chunks: Buffer[], bound: number) {
  const frames: Buffer[] = [];
  try {
    for (const chunk of chunks) {
      // Copy each frame at once: the property also checks nothing is overwritten later.
      decoder.write(chunk, (frame) => frames.push(Buffer.from(frame)));
      expect(decoder.buffered).toBeLessThanOrEqual(bound);
    }
    decoder.end();
    return { frames, code: undefined };
  } catch (err) {
    if (!(err instanceof FramingError)) throw err;
    return { frames, code: err.code };
  }
}

const cuts = fc.array(fc.nat(), { maxLength: 40 });
/** Arbitrary bytes, biased to zeros and small values so length headers are often plausible. */
const anyBytes = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constant(0), weight: 3 },
      { arbitrary: fc.integer({ min: 1, max: 60 }), weight: 1 },
      { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 2 },
    ),
    { maxLength: 400 },
  )
  .map((a) => Buffer.from(a));
const payload = fc.uint8Array({ maxLength: 300 });
/** Small alphabet: delimiters such as 'aa' or '\r\n' occur often by chance. */
const smallAlphabetPayload = fc
  .array(fc.constantFrom(0, 10, 13, 97, 98), { maxLength: 60 })
  .map((a) => Buffer.from(a));

const lengthCodecs = [lengthPrefixed(), lengthPrefixed({ maxFrameSize: 200 })];
const delimiters = ['\0', '\n', '\r\n'] as const;
const delimitedCodecs = delimiters.map((delimiter) => delimited({ delimiter, maxFrameSize: 50 }));

function encodable(codec: FrameCodec, p: Uint8Array): boolean {
  try {
    codec.encode(p);
    return true;
  } catch (err) {
    if (!(err instanceof FramingError)) throw err;
    return false;
  }
}

/** What a decoder may hold: the maximum plus a header, or plus a CR that may start CRLF. */
function bound(codec: FrameCodec): number {
  if (codec.name === 'u32') return codec.maxFrameSize + 4;
  return codec.maxFrameSize + (codec.name === 'delimited(0x0d0a)' ? 1 : 0);
}

describe.each([...lengthCodecs, ...delimitedCodecs].map((c) => [c.name, c] as const))(
  '%s',
  (_, codec) => {
    const payloads = codec.name.startsWith('delimited') ? smallAlphabetPayload : payload;

    it('round-trips any frames under any chunking', () => {
      fc.assert(
        fc.property(fc.array(payloads, { maxLength: 20 }), cuts, (list, cutList) => {
          const frames = list.filter((p) => encodable(codec, p));
          const wire = Buffer.concat(frames.map((p) => codec.encode(p)));
          const result = decodeAll(codec.createDecoder(), split(wire, cutList), bound(codec));
          expect(result.code).toBeUndefined();
          expect(result.frames).toEqual(frames.map((p) => Buffer.from(p)));
        }),
        { numRuns: 300 },
      );
    });

    it('turns any bytes into frames or a FramingError, the same under any chunking', () => {
      fc.assert(
        fc.property(fc.oneof(anyBytes, smallAlphabetPayload), cuts, (wire, cutList) => {
          const whole = decodeAll(codec.createDecoder(), [wire], bound(codec));
          const pieces = decodeAll(codec.createDecoder(), split(wire, cutList), bound(codec));
          expect(pieces).toEqual(whole);
          // What was decoded re-encodes to a prefix of the input.
          const again = Buffer.concat(whole.frames.map((f) => codec.encode(f)));
          expect(wire.subarray(0, again.length)).toEqual(again);
        }),
        { numRuns: 300 },
      );
    });
  },
);
