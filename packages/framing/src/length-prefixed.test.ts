/** Length-prefixed codec: examples, limits from the header, truncation. */
import { describe, expect, it } from 'vitest';
import type { FrameDecoder } from './codec.ts';
import { FramingError } from './errors.ts';
import { lengthPrefixed } from './length-prefixed.ts';

/** The frames one chunk completes, collected from the decoder's callback. */
function framesOf(decoder: FrameDecoder, chunk: Uint8Array): Buffer[] {
  const frames: Buffer[] = [];
  decoder.write(chunk, (frame) => frames.push(frame));
  return frames;
}

const bytes = (...values: number[]) => Buffer.from(values);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FramingError);
    return (err as FramingError).code;
  }
  return undefined;
}

describe('lengthPrefixed', () => {
  const codec = lengthPrefixed();

  it('encodes a 4-byte big-endian length then the payload', () => {
    expect(codec.encode(Buffer.from('hi'))).toEqual(bytes(0, 0, 0, 2, 0x68, 0x69));
    expect(codec.encode(Buffer.alloc(258)).subarray(0, 4)).toEqual(bytes(0, 0, 1, 2));
  });

  it('decodes many frames in one chunk as views of that chunk', () => {
    const wire = Buffer.concat([
      codec.encode(Buffer.from('a')),
      codec.encode(Buffer.alloc(0)),
      codec.encode(Buffer.from('bc')),
    ]);
    const frames = framesOf(codec.createDecoder(), wire);
    expect(frames.map((f) => f.toString())).toEqual(['a', '', 'bc']);
    expect(frames[0]!.buffer).toBe(wire.buffer);
  });

  it('decodes one-byte chunks, including a split header', () => {
    const wire = Buffer.concat([
      codec.encode(Buffer.from('hello')),
      codec.encode(Buffer.from('x')),
    ]);
    const decoder = codec.createDecoder();
    const frames: string[] = [];
    for (const byte of wire)
      for (const f of framesOf(decoder, bytes(byte))) frames.push(f.toString());
    expect(frames).toEqual(['hello', 'x']);
    decoder.end();
  });

  it('rejects an oversized frame from the header alone', () => {
    const decoder = lengthPrefixed({ maxFrameSize: 10 }).createDecoder();
    let error: FramingError | undefined;
    try {
      framesOf(decoder, bytes(0, 0, 0, 11));
    } catch (err) {
      error = err as FramingError;
    }
    expect(error?.code).toBe('ERR_FRAME_TOO_LARGE');
    expect(error?.size).toBe(11);
    expect(error?.maxFrameSize).toBe(10);
    expect(decoder.buffered).toBe(0);
    expect(codeOf(() => framesOf(decoder, bytes(1)))).toBe('ERR_DECODER_CLOSED');
  });

  it('rejects an oversized payload on encode', () => {
    expect(codeOf(() => lengthPrefixed({ maxFrameSize: 1 }).encode(bytes(1, 2)))).toBe(
      'ERR_FRAME_TOO_LARGE',
    );
  });

  it('delivers a zero-length frame whose header was split, without waiting for more', () => {
    const decoder = codec.createDecoder();
    expect(framesOf(decoder, bytes(0, 0))).toEqual([]);
    expect(framesOf(decoder, bytes(0, 0))).toEqual([Buffer.alloc(0)]);
    expect(decoder.buffered).toBe(0);
    decoder.end();
  });

  it('refuses a bad maxFrameSize', () => {
    expect(() => lengthPrefixed({ maxFrameSize: -1 })).toThrow(RangeError);
    expect(() => lengthPrefixed({ maxFrameSize: 2 ** 32 })).toThrow(RangeError);
  });

  it('reports a stream truncated inside a payload with both numbers', () => {
    const decoder = codec.createDecoder();
    framesOf(decoder, bytes(0, 0, 0, 5, 1, 2));
    let error: FramingError | undefined;
    try {
      decoder.end();
    } catch (err) {
      error = err as FramingError;
    }
    expect(error?.code).toBe('ERR_TRUNCATED');
    expect(error?.expected).toBe(9);
    expect(error?.received).toBe(6);
  });

  it('reports a stream truncated inside a header', () => {
    const decoder = codec.createDecoder();
    framesOf(decoder, bytes(0, 0));
    expect(codeOf(() => decoder.end())).toBe('ERR_TRUNCATED');
    expect(codeOf(() => decoder.end())).toBe('ERR_DECODER_CLOSED');
  });
});
