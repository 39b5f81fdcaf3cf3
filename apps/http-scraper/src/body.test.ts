/** Bodies within a limit: any chunking, plain or gzip, cut or refused at the limit exactly. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBody } from './body.ts';

/** The body as a stream of the given pieces, as a socket would deliver it. */
function stream(data: Buffer, cuts: number[]): Readable {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const at of [...points, data.length]) {
    if (at > from) pieces.push(data.subarray(from, at));
    from = Math.max(from, at);
  }
  return Readable.from(pieces, { objectMode: false });
}

const cases = fc.record({
  body: fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
  cuts: fc.array(fc.nat(), { maxLength: 8 }),
  max: fc.nat({ max: 3500 }),
  gzip: fc.boolean(),
});

describe('readBody', () => {
  it('cuts at the limit with truncate, whatever the chunking or compression', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ body, cuts, max, gzip }) => {
        const wire = gzip ? gzipSync(body) : body;
        const headers = gzip ? { 'content-encoding': 'gzip' } : {};
        const read = await readBody('u', stream(wire, cuts), headers, {
          maxBytes: max,
          truncate: true,
        });
        expect(read.body.equals(body.subarray(0, max))).toBe(true);
        expect(read.truncated).toBe(body.length > max);
      }),
    );
  });

  it('refuses a body past the limit with ERR_BODY_TOO_LARGE, and returns one within it whole', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ body, cuts, max, gzip }) => {
        const wire = gzip ? gzipSync(body) : body;
        const headers = gzip ? { 'content-encoding': 'gzip' } : {};
        const read = readBody('u', stream(wire, cuts), headers, { maxBytes: max, truncate: false });
        if (body.length > max)
          await expect(read).rejects.toMatchObject({ code: 'ERR_BODY_TOO_LARGE' });
        else expect((await read).body.equals(body)).toBe(true);
      }),
    );
  });

  it('calls a body that is not the gzip it says it is ERR_DECOMPRESS', async () => {
    const headers = { 'content-encoding': 'gzip' };
    const read = readBody('u', stream(Buffer.from('not gzip at all'), []), headers, {
      maxBytes: 1000,
      truncate: false,
    });
    await expect(read).rejects.toMatchObject({ code: 'ERR_DECOMPRESS' });
  });
});
