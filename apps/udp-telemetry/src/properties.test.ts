/** Property tests (fast-check): the parsers and codecs under any input, loss accounting under any fate. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDatagram, encodeDatagram } from './codec.ts';
import { LossAccounting } from './loss.ts';
import type { MetricTuple } from './protocol.ts';
import { formatStatsd, parseStatsd } from './statsd.ts';

/** Names and tags StatsD text can carry: no ':', '|', '#', ',', '@' or line breaks. */
const word = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.\-/]{0,30}$/);
const tag = fc
  .tuple(word, fc.option(word, { nil: undefined }))
  .map(([k, v]) => (v ? `${k}:${v}` : k));
const number = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
);
const tuple: fc.Arbitrary<MetricTuple> = fc.oneof(
  fc.tuple(
    word,
    fc.constantFrom('c', 'g', 'gd', 'ms', 'h', 'd' as const),
    number,
    fc.constantFrom(1, 0.5, 0.1),
    fc.array(tag, { maxLength: 4 }),
  ),
  fc.tuple(word, fc.constant('s' as const), word, fc.constant(1), fc.array(tag, { maxLength: 4 })),
);

describe('properties', { timeout: 60_000 }, () => {
  it('StatsD text: whatever formatStatsd writes, parseStatsd reads back', () => {
    fc.assert(
      fc.property(fc.array(tuple, { minLength: 1, maxLength: 20 }), (tuples) => {
        const got: [string, string, number | string, number][] = [];
        const [good, bad] = parseStatsd(
          tuples.map(formatStatsd).join('\n'),
          (name, _tags, type, value, rate) => {
            got.push([name, type, value, rate]);
            return true;
          },
        );
        expect(bad).toBe(0);
        // A negative absolute gauge is written as two lines (0, then the value).
        const want = tuples.flatMap(
          ([name, type, value, rate]): [string, string, number | string, number][] =>
            type === 'g' && (value as number) < 0
              ? [
                  [name, 'g', 0, rate],
                  [name, 'gd', value, rate],
                ]
              : [[name, type, value, rate]],
        );
        expect(good).toBe(want.length);
        expect(got).toEqual(
          want.map(([n, t, v, r]) => [n, t, typeof v === 'number' ? Number(String(v)) : v, r]),
        );
      }),
    );
  });

  it('StatsD text: any text parses without throwing, each line on its own', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8')),
      fc
        .array(
          fc.constantFrom(
            'a',
            ':',
            '|',
            '#',
            '@',
            ',',
            '1',
            '.',
            '-',
            '+',
            'c',
            'g',
            'ms',
            's',
            '\n',
            '\r',
          ),
          { maxLength: 60 },
        )
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const [good, bad] = parseStatsd(t, () => true);
        // Lines are independent: the datagram's counts are the sum of its lines' counts.
        let sumGood = 0;
        let sumBad = 0;
        for (const line of t.split('\n')) {
          const [g, b] = parseStatsd(line, () => true);
          sumGood += g;
          sumBad += b;
        }
        expect([good, bad]).toEqual([sumGood, sumBad]);
        expect(bad).toBeLessThanOrEqual(t.split('\n').length);
      }),
    );
  });

  it('our datagram: encode then decode is the identity', () => {
    fc.assert(
      fc.property(word, fc.nat(), fc.array(tuple, { maxLength: 30 }), (src, seq, m) => {
        const d = decodeDatagram(encodeDatagram({ src, seq, ts: 1_700_000_000_000, m }));
        // msgpackr writes -0 as the integer 0 (MessagePack integers have no sign of zero; the
        // serialization package's tests pin this), and a metric's -0 and 0 are one quantity.
        const sent = m.map((t) => t.map((v) => (Object.is(v, -0) ? 0 : v)) as MetricTuple);
        expect(d).toEqual({ type: 'metrics', src, seq, ts: 1_700_000_000_000, m: sent });
      }),
      { examples: [['_', 0, [['_', 'c', -0, 1, []]]]] }, // the case a CI run found
    );
  });

  it('our datagram: any bytes either decode or fail with ERR_INVALID_MESSAGE', () => {
    const valid = encodeDatagram({ src: 'p', seq: 1, ts: 1, m: [['a', 'c', 1, 1, []]] });
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(fc.nat(valid.length), fc.uint8Array({ maxLength: 4 }))
        .map(([cut, tail]) => Buffer.concat([valid.subarray(0, cut), tail])),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        try {
          decodeDatagram(b);
        } catch (error) {
          expect((error as { code?: string }).code).toBe('ERR_INVALID_MESSAGE');
        }
      }),
    );
  });

  it('loss accounting: exact for any drops, duplicates and reordering within the window', () => {
    const fates = fc.array(fc.constantFrom('deliver', 'drop', 'twice'), {
      minLength: 1,
      maxLength: 200,
    });
    fc.assert(
      fc.property(fates, fc.integer({ min: 0, max: 2 ** 31 }), (fate, seed) => {
        const delivered = fate.flatMap((f, seq) =>
          f === 'drop' ? [] : f === 'twice' ? [seq, seq] : [seq],
        );
        // Shuffle deterministically by the seed: reordering within a few hundred, inside the window.
        let x = seed;
        for (let i = delivered.length - 1; i > 0; i--) {
          x = (x * 1103515245 + 12345) % 2 ** 31;
          const j = x % (i + 1);
          [delivered[i], delivered[j]] = [delivered[j]!, delivered[i]!];
        }
        const loss = new LossAccounting();
        for (const seq of delivered) loss.add('s', seq);
        const distinct = new Set(delivered);
        const s = loss.get('s');
        if (!s) {
          expect(delivered).toEqual([]);
          return;
        }
        expect(s.received).toBe(distinct.size);
        expect(s.duplicated).toBe(delivered.length - distinct.size);
        expect(s.lost).toBe(Math.max(...distinct) + 1 - Math.min(...distinct) - distinct.size);
        expect(s.late).toBe(0);
      }),
    );
  });
});
