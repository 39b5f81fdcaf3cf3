/** Delimiter codec: NUL, LF, CRLF; split delimiters; unbounded input refused. */
import { describe, expect, it } from 'vitest';
import type { FrameDecoder } from './codec.ts';
import { delimited } from './delimited.ts';
import type { FramingError } from './errors.ts';

/** The frames one chunk completes, collected from the decoder's callback. */
function framesOf(decoder: FrameDecoder, chunk: Uint8Array): Buffer[] {
  const frames: Buffer[] = [];
  decoder.write(chunk, (frame) => frames.push(frame));
  return frames;
}

function failure(fn: () => unknown): FramingError {
  try {
    fn();
  } catch (err) {
    return err as FramingError;
  }
  throw new Error('expected a FramingError');
}

describe('delimited', () => {
  it('offers LF, CRLF and NUL only', () => {
    expect(() => delimited({ delimiter: 'aa' as '\n' })).toThrow(RangeError);
  });

  it('splits NUL-terminated frames (tincanchat style)', () => {
    const codec = delimited({ delimiter: '\0' });
    expect(codec.encode(Buffer.from('hi'))).toEqual(Buffer.from('hi\0'));
    const frames = framesOf(codec.createDecoder(), Buffer.from('a\0\0bc\0'));
    expect(frames.map(String)).toEqual(['a', '', 'bc']);
  });

  it('finds a CRLF split across chunks', () => {
    const decoder = delimited({ delimiter: '\r\n' }).createDecoder();
    expect(framesOf(decoder, Buffer.from('one\r'))).toEqual([]);
    expect(framesOf(decoder, Buffer.from('\ntwo\r\nthr')).map(String)).toEqual(['one', 'two']);
    expect(decoder.buffered).toBe(3);
    expect(framesOf(decoder, Buffer.from('ee\r\n')).map(String)).toEqual(['three']);
    decoder.end();
  });

  it('keeps a bare LF inside a CRLF frame, also when the CR ended the chunk before', () => {
    const decoder = delimited({ delimiter: '\r\n' }).createDecoder();
    expect(framesOf(decoder, Buffer.from('a\nb\r')).map(String)).toEqual([]);
    expect(framesOf(decoder, Buffer.from('\n\nc\r\n')).map(String)).toEqual(['a\nb', '\nc']);
    expect(framesOf(decoder, Buffer.from('\r')).map(String)).toEqual([]);
    expect(framesOf(decoder, Buffer.from('\n')).map(String)).toEqual(['']);
  });

  it('refuses payloads that contain or would fake the delimiter', () => {
    expect(failure(() => delimited({ delimiter: '\n' }).encode(Buffer.from('a\nb'))).code).toBe(
      'ERR_DELIMITER_IN_PAYLOAD',
    );
    expect(failure(() => delimited({ delimiter: '\r\n' }).encode(Buffer.from('a\r\n'))).code).toBe(
      'ERR_DELIMITER_IN_PAYLOAD',
    );
    // A lone CR or LF is payload under CRLF: 'a\r' + CRLF still ends at the first CR LF.
    const crlf = delimited({ delimiter: '\r\n' });
    expect(framesOf(crlf.createDecoder(), crlf.encode(Buffer.from('a\r'))).map(String)).toEqual([
      'a\r',
    ]);
  });

  it('fails with ERR_FRAME_TOO_LARGE when no delimiter comes within the maximum', () => {
    const decoder = delimited({ delimiter: '\n', maxFrameSize: 8 }).createDecoder();
    framesOf(decoder, Buffer.from('12345'));
    const error = failure(() => framesOf(decoder, Buffer.from('6789')));
    expect(error.code).toBe('ERR_FRAME_TOO_LARGE');
    expect(error.maxFrameSize).toBe(8);
    expect(error.size).toBe(9);
  });

  it('accepts a frame of exactly the maximum, delimiter arriving later', () => {
    const decoder = delimited({ delimiter: '\r\n', maxFrameSize: 4 }).createDecoder();
    expect(framesOf(decoder, Buffer.from('1234\r'))).toEqual([]);
    expect(framesOf(decoder, Buffer.from('\n')).map(String)).toEqual(['1234']);
  });

  it('reports truncation with the bytes received', () => {
    const decoder = delimited({ delimiter: '\n' }).createDecoder();
    framesOf(decoder, Buffer.from('abc'));
    const error = failure(() => decoder.end());
    expect(error.code).toBe('ERR_TRUNCATED');
    expect(error.received).toBe(3);
  });
});
