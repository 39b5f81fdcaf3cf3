/** Delimiter codec: NUL, LF, CRLF; split delimiters; unbounded input refused. */
import { describe, expect, it } from 'vitest';
import { delimited } from './delimited.ts';
import type { FramingError } from './errors.ts';

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
    const frames = codec.createDecoder().push(Buffer.from('a\0\0bc\0'));
    expect(frames.map(String)).toEqual(['a', '', 'bc']);
  });

  it('finds a CRLF split across chunks', () => {
    const decoder = delimited({ delimiter: '\r\n' }).createDecoder();
    expect(decoder.push(Buffer.from('one\r'))).toEqual([]);
    expect(decoder.push(Buffer.from('\ntwo\r\nthr')).map(String)).toEqual(['one', 'two']);
    expect(decoder.buffered).toBe(3);
    expect(decoder.push(Buffer.from('ee\r\n')).map(String)).toEqual(['three']);
    decoder.end();
  });

  it('keeps a bare LF inside a CRLF frame, also when the CR ended the chunk before', () => {
    const decoder = delimited({ delimiter: '\r\n' }).createDecoder();
    expect(decoder.push(Buffer.from('a\nb\r')).map(String)).toEqual([]);
    expect(decoder.push(Buffer.from('\n\nc\r\n')).map(String)).toEqual(['a\nb', '\nc']);
    expect(decoder.push(Buffer.from('\r')).map(String)).toEqual([]);
    expect(decoder.push(Buffer.from('\n')).map(String)).toEqual(['']);
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
    expect(
      crlf
        .createDecoder()
        .push(crlf.encode(Buffer.from('a\r')))
        .map(String),
    ).toEqual(['a\r']);
  });

  it('fails with ERR_FRAME_TOO_LARGE when no delimiter comes within the maximum', () => {
    const decoder = delimited({ delimiter: '\n', maxFrameSize: 8 }).createDecoder();
    decoder.push(Buffer.from('12345'));
    const error = failure(() => decoder.push(Buffer.from('6789')));
    expect(error.code).toBe('ERR_FRAME_TOO_LARGE');
    expect(error.maxFrameSize).toBe(8);
    expect(error.size).toBe(9);
  });

  it('accepts a frame of exactly the maximum, delimiter arriving later', () => {
    const decoder = delimited({ delimiter: '\r\n', maxFrameSize: 4 }).createDecoder();
    expect(decoder.push(Buffer.from('1234\r'))).toEqual([]);
    expect(decoder.push(Buffer.from('\n')).map(String)).toEqual(['1234']);
  });

  it('reports truncation with the bytes received', () => {
    const decoder = delimited({ delimiter: '\n' }).createDecoder();
    decoder.push(Buffer.from('abc'));
    const error = failure(() => decoder.end());
    expect(error.code).toBe('ERR_TRUNCATED');
    expect(error.received).toBe(3);
  });
});
