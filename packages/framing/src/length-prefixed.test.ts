/** Length-prefixed codec: examples, limits from the header, truncation. */
import { describe, expect, it } from 'vitest';
import { FramingError } from './errors.ts';
import { lengthPrefixed } from './length-prefixed.ts';

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

describe('lengthPrefixed u32', () => {
  const codec = lengthPrefixed();

  it('encodes a 4-byte big-endian length then the payload', () => {
    expect(codec.encode(Buffer.from('hi'))).toEqual(bytes(0, 0, 0, 2, 0x68, 0x69));
    expect(codec.encodeHeader(258)).toEqual(bytes(0, 0, 1, 2));
    expect(Buffer.concat(codec.encodeParts(Buffer.from('hi')))).toEqual(
      codec.encode(Buffer.from('hi')),
    );
  });

  it('decodes many frames in one chunk as views of that chunk', () => {
    const wire = Buffer.concat([
      codec.encode(Buffer.from('a')),
      codec.encode(Buffer.alloc(0)),
      codec.encode(Buffer.from('bc')),
    ]);
    const frames = codec.createDecoder().push(wire);
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
    for (const byte of wire) for (const f of decoder.push(bytes(byte))) frames.push(f.toString());
    expect(frames).toEqual(['hello', 'x']);
    decoder.end();
  });

  it('rejects an oversized frame from the header alone', () => {
    const decoder = lengthPrefixed({ maxFrameSize: 10 }).createDecoder();
    let error: FramingError | undefined;
    try {
      decoder.push(bytes(0, 0, 0, 11));
    } catch (err) {
      error = err as FramingError;
    }
    expect(error?.code).toBe('ERR_FRAME_TOO_LARGE');
    expect(error?.size).toBe(11);
    expect(error?.maxFrameSize).toBe(10);
    expect(decoder.buffered).toBe(0);
    expect(codeOf(() => decoder.push(bytes(1)))).toBe('ERR_DECODER_CLOSED');
  });

  it('rejects an oversized payload on encode', () => {
    expect(codeOf(() => lengthPrefixed({ maxFrameSize: 1 }).encode(bytes(1, 2)))).toBe(
      'ERR_FRAME_TOO_LARGE',
    );
  });

  it('allocates a frame whose payload is filled in place', () => {
    const { frame, payload } = codec.allocFrame(3);
    payload.set([7, 8, 9]);
    expect(frame).toEqual(bytes(0, 0, 0, 3, 7, 8, 9));
    expect(payload.buffer).toBe(frame.buffer);
    expect(codec.createDecoder().push(frame)).toEqual([bytes(7, 8, 9)]);
    expect(codeOf(() => lengthPrefixed({ maxFrameSize: 2 }).allocFrame(3))).toBe(
      'ERR_FRAME_TOO_LARGE',
    );
  });

  it('reports a stream truncated inside a payload with both numbers', () => {
    const decoder = codec.createDecoder();
    decoder.push(bytes(0, 0, 0, 5, 1, 2));
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
    decoder.push(bytes(0, 0));
    expect(codeOf(() => decoder.end())).toBe('ERR_TRUNCATED');
  });
});

describe('lengthPrefixed varint', () => {
  const codec = lengthPrefixed({ header: 'varint' });

  it('encodes LEB128 lengths', () => {
    expect(codec.encodeHeader(0)).toEqual(bytes(0));
    expect(codec.encodeHeader(127)).toEqual(bytes(0x7f));
    expect(codec.encodeHeader(300)).toEqual(bytes(0xac, 0x02));
    expect(codec.encode(Buffer.from('x'))).toEqual(bytes(1, 0x78));
  });

  it('allocates a frame after a header of the right size', () => {
    for (const length of [0, 127, 128, 300]) {
      const { frame, payload } = codec.allocFrame(length);
      payload.fill(5);
      expect(frame.length).toBe(codec.frameLength(length));
      expect(frame).toEqual(codec.encode(Buffer.alloc(length, 5)));
    }
  });

  it('decodes a header split across chunks', () => {
    const payload = Buffer.alloc(300, 7);
    const wire = codec.encode(payload);
    const decoder = codec.createDecoder();
    expect(decoder.push(wire.subarray(0, 1))).toEqual([]);
    expect(decoder.push(wire.subarray(1))).toEqual([payload]);
  });

  it('rejects a varint longer than 5 bytes, and an oversized one', () => {
    expect(codeOf(() => codec.createDecoder().push(Buffer.alloc(6, 0x80)))).toBe(
      'ERR_INVALID_HEADER',
    );
    expect(codeOf(() => codec.createDecoder().push(bytes(0x80, 0x00)))).toBe('ERR_INVALID_HEADER');
    const small = lengthPrefixed({ header: 'varint', maxFrameSize: 100 }).createDecoder();
    expect(codeOf(() => small.push(bytes(0xac, 0x02)))).toBe('ERR_FRAME_TOO_LARGE');
  });
});
