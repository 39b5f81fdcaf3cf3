/** Header block parsing, address decoding, sequence sets and day parsing. */
import { describe, expect, it } from 'vitest';
import { parseAddresses, parseHeaderBlock } from './envelope.ts';
import { toSequenceSet } from './listing.ts';
import { parseDay } from './listing-output.ts';

describe('envelope parsing', () => {
  it('unfolds header lines and keeps the first occurrence', () => {
    const fields = parseHeaderBlock(
      'Subject: a\r\n long\r\n\tsubject\r\nFrom: x@y.test\r\nSubject: second\r\n\r\n',
    );
    expect(fields.get('subject')).toBe('a long subject');
    expect(fields.get('from')).toBe('x@y.test');
  });

  it('decodes encoded-word names and flattens groups', () => {
    expect(
      parseAddresses('=?UTF-8?B?Qm9iIENyw6ltaWV1eA==?= <bob@x.test>, team: a@x.test, b@x.test;'),
    ).toEqual([
      { name: 'Bob Crémieux', address: 'bob@x.test' },
      { name: '', address: 'a@x.test' },
      { name: '', address: 'b@x.test' },
    ]);
    expect(parseAddresses(undefined)).toEqual([]);
  });
});

describe('listing helpers', () => {
  it('compresses UIDs into a sequence set', () => {
    expect(toSequenceSet([7, 1, 2, 3, 9, 10])).toBe('1:3,7,9:10');
    expect(toSequenceSet([5])).toBe('5');
  });

  it('parses days strictly', () => {
    expect(parseDay('--since', '2026-02-28')?.toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(() => parseDay('--since', '2026-02-30')).toThrow(
      expect.objectContaining({ code: 'ERR_USAGE' }),
    );
    expect(() => parseDay('--since', 'yesterday')).toThrow(
      expect.objectContaining({ code: 'ERR_USAGE' }),
    );
  });
});
