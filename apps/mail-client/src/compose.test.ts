/** Reply and forward rules: subjects, recipients, threading headers, quoting. */
import { describe, expect, it } from 'vitest';
import {
  forwardBody,
  forwardSubject,
  quoteBody,
  replyRecipients,
  replySubject,
  threadHeaders,
} from './compose.ts';
import type { ReadMessage } from './message.ts';

const original: ReadMessage = {
  folder: 'INBOX',
  uid: 7,
  uidValidity: '1',
  messageId: '<m3@x.test>',
  date: '2026-01-02T03:04:05.000Z',
  from: [{ name: 'Zoë', address: 'zoe@x.test' }],
  replyTo: [],
  to: [
    { name: '', address: 'me@x.test' },
    { name: 'Al', address: 'al@x.test' },
  ],
  cc: [
    { name: '', address: 'AL@x.test' },
    { name: '', address: 'cy@x.test' },
  ],
  subject: 'Plans',
  inReplyTo: '<m2@x.test>',
  references: ['<m1@x.test>', '<m2@x.test>'],
  flags: [],
  text: 'line one\n> earlier\n\nline three\n',
  renderedFromHtml: false,
  attachments: [],
};

describe('compose', () => {
  it('prefixes subjects once', () => {
    expect(replySubject('Plans')).toBe('Re: Plans');
    expect(replySubject('RE: Plans')).toBe('RE: Plans');
    expect(forwardSubject('Plans')).toBe('Fwd: Plans');
    expect(forwardSubject('Fw: Plans')).toBe('Fw: Plans');
  });

  it('replies to Reply-To or From; --all adds To and Cc without me or duplicates', () => {
    expect(replyRecipients(original, 'me@x.test', false)).toEqual({
      to: [original.from[0]],
      cc: [],
    });
    const all = replyRecipients(original, 'ME@x.test', true);
    expect(all.to.map((a) => a.address)).toEqual(['zoe@x.test']);
    expect(all.cc.map((a) => a.address)).toEqual(['al@x.test', 'cy@x.test']);
    const withReplyTo = { ...original, replyTo: [{ name: '', address: 'list@x.test' }] };
    expect(replyRecipients(withReplyTo, 'me@x.test', false).to.map((a) => a.address)).toEqual([
      'list@x.test',
    ]);
  });

  it('threads with In-Reply-To and References (RFC 5322 §3.6.4)', () => {
    expect(threadHeaders(original)).toEqual({
      inReplyTo: '<m3@x.test>',
      references: ['<m1@x.test>', '<m2@x.test>', '<m3@x.test>'],
    });
    expect(threadHeaders({ ...original, references: [] }).references).toEqual([
      '<m2@x.test>',
      '<m3@x.test>',
    ]);
  });

  it('quotes every line and attributes it', () => {
    const body = quoteBody(original, 'Yes.\n');
    expect(body).toBe(
      'Yes.\n\nOn Fri, 02 Jan 2026 03:04:05 GMT, Zoë <zoe@x.test> wrote:\n> line one\n>> earlier\n>\n> line three\n',
    );
  });

  it('forwards with the original headers and text', () => {
    const body = forwardBody(original, 'FYI');
    expect(body).toContain(
      'FYI\n\n---------- Forwarded message ----------\nFrom: Zoë <zoe@x.test>\n',
    );
    expect(body).toContain(
      'Subject: Plans\nTo: me@x.test, Al <al@x.test>\nCc: AL@x.test, cy@x.test\n\nline one\n',
    );
  });
});
