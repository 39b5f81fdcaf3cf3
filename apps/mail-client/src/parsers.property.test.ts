/** Property tests: the parsers and the masker hold for any input, not just the examples. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddresses, parseHeaderBlock } from './envelope.ts';
import { toSequenceSet } from './listing.ts';
import { createMasker } from './trace.ts';

/** Expands "1:3,7" back to [1, 2, 3, 7]. */
function expand(set: string): number[] {
  return set.split(',').flatMap((part) => {
    const [a, b] = part.split(':').map(Number);
    return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
  });
}

describe('properties', () => {
  it('toSequenceSet names exactly the given UIDs, in as few ranges as possible', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 200 }),
        (uids) => {
          const set = toSequenceSet(uids);
          expect(expand(set)).toEqual([...uids].sort((a, b) => a - b));
          // no two ranges could have been merged
          const ranges = set.split(',').map((p) => p.split(':').map(Number));
          for (let i = 1; i < ranges.length; i++)
            expect(ranges[i]![0]! - ranges[i - 1]!.at(-1)!).toBeGreaterThan(1);
        },
      ),
    );
  });

  it('parseHeaderBlock and parseAddresses never throw on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const fields = parseHeaderBlock(Buffer.from(bytes));
        for (const value of fields.values()) parseAddresses(value);
      }),
    );
  });

  it('parseHeaderBlock finds a field whatever folding splits its value', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 10 }),
        fc.array(fc.boolean(), { maxLength: 10 }),
        (words, folds) => {
          const value = words
            .map((w, i) => (i > 0 && folds[i] ? `\r\n ${w}` : i > 0 ? ` ${w}` : w))
            .join('');
          const fields = parseHeaderBlock(
            `X-Other: a\r\nSubject: ${value}\r\nFrom: b@c.test\r\n\r\n`,
          );
          expect(fields.get('subject')).toBe(words.join(' '));
          expect(fields.get('from')).toBe('b@c.test');
        },
      ),
    );
  });

  it('the masker never lets a secret through, plain or base64', () => {
    // A password of letters and digits (the mask itself is '*', which could rebuild a secret made of '*').
    const secret = fc.stringMatching(/^[A-Za-z0-9]{3,30}$/);
    fc.assert(
      fc.property(secret, fc.string(), fc.string(), (pw, before, after) => {
        const mask = createMasker([pw]);
        expect(mask(`${before}${pw}${after}${pw}`)).not.toContain(pw);
        const b64 = Buffer.from(pw).toString('base64');
        expect(mask(`C: ${before}${b64}`)).not.toContain(b64);
      }),
    );
  });
});
