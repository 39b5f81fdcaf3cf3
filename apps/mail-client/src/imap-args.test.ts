/** IMAP arguments: modified UTF-7 mailbox names, strings, dates, SEARCH keys; FETCH item parsing. */
import { describe, expect, it } from 'vitest';
import type { MailError } from './errors.ts';
import { fetchItems } from './fetch-envelopes.ts';
import { encodeMailboxName, imapDate, imapString, searchArgs } from './imap-args.ts';
import { ResponseReader } from './imap-reader.ts';
import { parseResponse } from './imap-response.ts';

const parse = (text: string) => parseResponse(new ResponseReader().push(Buffer.from(text))[0]!);

describe('IMAP arguments', () => {
  it('encodes mailbox names in modified UTF-7 (RFC 3501 §5.1.3 examples)', () => {
    expect(encodeMailboxName('INBOX')).toBe('INBOX');
    expect(encodeMailboxName('Entwürfe')).toBe('Entw&APw-rfe');
    expect(encodeMailboxName('~peter/mail/台北/日本語')).toBe('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    expect(encodeMailboxName('R&D')).toBe('R&-D');
  });

  it('quotes ASCII strings and sends anything else as a literal', () => {
    expect(imapString('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
    expect(imapString('Grüße')).toEqual({ literal: Buffer.from('Grüße') });
    expect(imapString('line\r\nbreak')).toEqual({ literal: Buffer.from('line\r\nbreak') });
  });

  it('maps list/search criteria onto SEARCH keys', () => {
    const day = new Date(Date.UTC(2026, 1, 3));
    expect(imapDate(day)).toBe('3-Feb-2026');
    expect(searchArgs({})).toEqual(['ALL']);
    expect(searchArgs({ all: true })).toEqual(['ALL']);
    expect(searchArgs({ seen: false, since: day, before: day })).toEqual([
      'UNSEEN',
      ' ',
      'SINCE 3-Feb-2026',
      ' ',
      'BEFORE 3-Feb-2026',
    ]);
    expect(searchArgs({ from: 'alice', subject: 'Köln' })).toEqual([
      'CHARSET UTF-8 ',
      'FROM ',
      '"alice"',
      ' ',
      'SUBJECT ',
      { literal: Buffer.from('Köln') },
    ]);
    expect(() => searchArgs({ larger: 5 })).toThrow(TypeError);
  });
});

describe('fetchItems', () => {
  it('reads UID, FLAGS, RFC822.SIZE and the header block (literal, quoted or NIL)', () => {
    const items = fetchItems(
      parse(
        '* 3 FETCH (UID 9 RFC822.SIZE 12 FLAGS (\\Seen) BODY[HEADER.FIELDS (DATE)] {4}\r\nab\r\n)\r\n',
      ),
    );
    expect(items).toEqual({ uid: 9, size: 12, flags: ['\\Seen'], headers: Buffer.from('ab\r\n') });
    expect(fetchItems(parse('* 3 FETCH (UID 9 BODY[HEADER] NIL)\r\n')).headers).toEqual(
      Buffer.alloc(0),
    );
    expect(fetchItems(parse('* 3 FETCH (FLAGS ())\r\n'))).toEqual({ flags: [] });
  });

  it('refuses malformed FETCH data with ERR_SERVER', () => {
    for (const bad of [
      '* 3 FETCH UID 9\r\n',
      '* 3 FETCH (UID)\r\n',
      '* 3 FETCH (UID x)\r\n',
      '* 3 FETCH (UID -1)\r\n',
      '* 3 FETCH (FLAGS \\Seen)\r\n',
      '* 3 FETCH (FLAGS ((a)))\r\n',
      '* 3 FETCH ((UID) 9)\r\n',
      '* 3 FETCH (BODY[] (a))\r\n',
    ]) {
      expect(() => fetchItems(parse(bad)), bad).toThrow(
        expect.objectContaining({ code: 'ERR_SERVER' }) as unknown as MailError,
      );
    }
  });
});
