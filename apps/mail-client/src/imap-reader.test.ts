/** The IMAP response reader and parser: examples, any chunking, any bytes, bounds. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MailError } from './errors.ts';
import { type RawResponse, ResponseReader } from './imap-reader.ts';
import { type ImapValue, parseResponse } from './imap-response.ts';

const FETCH =
  '* 12 FETCH (UID 7 FLAGS (\\Seen $Forwarded) RFC822.SIZE 744 BODY[HEADER.FIELDS (DATE FROM)] {31}\r\n' +
  'From: a@b\r\nDate: 1 Jan 2026\r\n\r\n)\r\n';

/** Feeds `bytes` cut at the given offsets and returns every response, parsed. */
function readAll(bytes: Buffer, cuts: number[] = [], reader = new ResponseReader()) {
  const raws: RawResponse[] = [];
  let from = 0;
  for (const cut of [...cuts.sort((a, b) => a - b), bytes.length]) {
    raws.push(...reader.push(bytes.subarray(from, cut)));
    from = cut;
  }
  return raws.map(parseResponse);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof MailError)) throw error;
    return error.code;
  }
  return undefined;
}

describe('ResponseReader + parseResponse', () => {
  it('parses a FETCH with a literal, split at every byte', () => {
    const bytes = Buffer.from(FETCH);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const [fetch, ...more] = readAll(bytes, [cut]);
      expect(more).toEqual([]);
      expect(fetch).toMatchObject({ tag: '*', kind: 'FETCH', number: 12 });
      const items = fetch!.values[0] as ImapValue[];
      expect(items.slice(0, 7)).toEqual([
        'UID',
        '7',
        'FLAGS',
        ['\\Seen', '$Forwarded'],
        'RFC822.SIZE',
        '744',
        'BODY[HEADER.FIELDS (DATE FROM)]',
      ]);
      const body = items[7];
      expect(String(body)).toBe('From: a@b\r\nDate: 1 Jan 2026\r\n\r\n');
    }
  });

  it('parses status responses with codes, tagged replies, continuations, NIL and quoting', () => {
    const text =
      '* OK [UIDVALIDITY 1795353599] UIDs valid\r\nA3 NO [NONEXISTENT] Mailbox doesn\'t exist: X\r\n+ \r\n* 3 EXISTS\r\n* LIST (\\HasNoChildren) "/" "a \\"b\\" \\\\c"\r\n* SEARCH\r\n* X NIL nil "NIL" {0}\r\n\r\n';
    const [ok, no, plus, exists, list, search, nil] = readAll(Buffer.from(text));
    expect(ok).toMatchObject({
      tag: '*',
      kind: 'OK',
      code: 'UIDVALIDITY 1795353599',
      text: 'UIDs valid',
    });
    expect(no).toMatchObject({ tag: 'A3', kind: 'NO', code: 'NONEXISTENT' });
    expect(plus).toMatchObject({ tag: '+', kind: '+' });
    expect(exists).toMatchObject({ kind: 'EXISTS', number: 3, values: [] });
    expect(list!.values).toEqual([['\\HasNoChildren'], '/', 'a "b" \\c']);
    expect(search).toMatchObject({ kind: 'SEARCH', values: [] });
    expect(nil!.values.slice(0, 3)).toEqual([null, null, 'NIL']);
    expect(String(nil!.values[3])).toBe('');
  });

  it('turns malformed responses into ERR_SERVER', () => {
    for (const bad of [
      '* 1 FETCH (UID 1\r\n',
      '* 1 FETCH UID 1)\r\n',
      '* X "open\r\n',
      '* X BODY[HEADER\r\n',
      '220 this is not IMAP\r\n',
      ' leading space\r\n',
      '* OK [UIDVALIDITY 1\r\n',
      `* X ${'('.repeat(100)}${')'.repeat(100)}\r\n`,
      '* X a\rb\r\n',
    ]) {
      expect(
        codeOf(() => readAll(Buffer.from(bad))),
        bad,
      ).toBe('ERR_SERVER');
    }
  });

  it('refuses an oversized literal or an endless line with ERR_TOO_LARGE, and stays failed', () => {
    const limits = { maxLine: 100, maxLiteral: 1000 };
    const reader = new ResponseReader(limits);
    expect(codeOf(() => reader.push(Buffer.from('* 1 FETCH (BODY[] {1001}\r\n')))).toBe(
      'ERR_TOO_LARGE',
    );
    expect(codeOf(() => reader.push(Buffer.from('* OK\r\n')))).toBe('ERR_TOO_LARGE');
    const endless = new ResponseReader(limits);
    expect(endless.push(Buffer.alloc(60, 0x61))).toEqual([]);
    expect(codeOf(() => endless.push(Buffer.alloc(60, 0x61)))).toBe('ERR_TOO_LARGE');
  });

  it('reads back any values, however the bytes are chunked', () => {
    const atom = fc
      .stringMatching(/^[A-Za-z0-9.\\$-]{1,12}$/)
      .filter((a) => a.toUpperCase() !== 'NIL');
    const quoted = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !/[\r\n]/.test(s));
    const literal = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));
    type Tree = { kind: 'atom' | 'quoted'; v: string } | { kind: 'lit'; v: Buffer } | Tree[];
    const { tree } = fc.letrec<{ tree: Tree; leaf: Tree }>((tie) => ({
      leaf: fc.oneof(
        atom.map((v) => ({ kind: 'atom' as const, v })),
        quoted.map((v) => ({ kind: 'quoted' as const, v })),
        literal.map((v) => ({ kind: 'lit' as const, v })),
      ),
      tree: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('tree'), { maxLength: 4 })),
    }));
    const wire = (t: Tree): Buffer[] =>
      Array.isArray(t)
        ? [
            Buffer.from('('),
            ...t.flatMap((x, i) => [...(i ? [Buffer.from(' ')] : []), ...wire(x)]),
            Buffer.from(')'),
          ]
        : t.kind === 'atom'
          ? [Buffer.from(t.v)]
          : t.kind === 'quoted'
            ? [Buffer.from(`"${t.v.replace(/[\\"]/g, (m) => `\\${m}`)}"`)]
            : [Buffer.from(`{${t.v.length}}\r\n`), t.v as Buffer];
    const plain = (t: Tree): ImapValue => (Array.isArray(t) ? t.map(plain) : t.v);
    fc.assert(
      fc.property(
        fc.array(tree, { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (values, cuts) => {
          const bytes = Buffer.concat([
            Buffer.from('* 1 FETCH ('),
            ...values.flatMap((v, i) => [...(i ? [Buffer.from(' ')] : []), ...wire(v)]),
            Buffer.from(')\r\n* 2 EXISTS\r\n'),
          ]);
          const responses = readAll(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
          );
          expect(responses.map((r) => r.kind)).toEqual(['FETCH', 'EXISTS']);
          expect(responses[0]!.values).toEqual([values.map(plain)]);
        },
      ),
    );
  });

  it('never crashes on any bytes: responses or a coded error', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '* ',
        'A1 ',
        '(',
        ')',
        '"',
        '\\',
        '{3}\r\n',
        '{99999999999}',
        '[',
        ']',
        ' ',
        'NIL',
        '\r\n',
        '\n',
        '+ ',
      ),
      fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a).toString('latin1')),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (pieces, cuts) => {
          const bytes = Buffer.from(pieces.join(''), 'latin1');
          const reader = new ResponseReader({ maxLine: 200, maxLiteral: 100 });
          const code = codeOf(() =>
            readAll(
              bytes,
              cuts.map((c) => c % (bytes.length + 1)),
              reader,
            ),
          );
          expect([undefined, 'ERR_SERVER', 'ERR_TOO_LARGE']).toContain(code);
        },
      ),
    );
  });
});
