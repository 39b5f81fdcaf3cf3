/** --trace formatting and credential masking. */
import { describe, expect, it } from 'vitest';
import { createMasker, imapLogger, smtpTraceLogger } from './trace.ts';

describe('trace masking', () => {
  it('masks secrets, their base64 and SASL initial responses', () => {
    const mask = createMasker(['hunter22']);
    expect(mask('C: a LOGIN "bob" "hunter22"')).toBe('C: a LOGIN "bob" "****"');
    expect(mask(`C: ${Buffer.from('hunter22').toString('base64')}`)).toBe('C: ****');
    expect(mask('C: AUTH PLAIN AGJvYgBodW50ZXIyMg==')).toBe('C: AUTH PLAIN ****');
    expect(mask('C: a AUTHENTICATE XOAUTH2 dXNlcj1ib2IBYXV0aD1CZWFyZXIgdAEB')).toBe(
      'C: a AUTHENTICATE XOAUTH2 ****',
    );
  });

  it('formats imapflow and nodemailer log entries as C:/S: lines', () => {
    const lines: string[] = [];
    const mask = createMasker(['s3cret']);
    imapLogger({ trace: (l) => lines.push(l), mask, onUnreadable: () => {} }).debug({
      src: 'c',
      msg: '2 LOGIN bob s3cret',
    });
    imapLogger({ trace: (l) => lines.push(l), mask, onUnreadable: () => {} }).debug({
      msg: 'not protocol',
    });
    smtpTraceLogger((l) => lines.push(l), mask).debug({ tnx: 'server' }, '250-%s\n250 OK', 'hi');
    expect(lines).toEqual(['IMAP C: 2 LOGIN bob ****', 'SMTP S: 250-hi', 'SMTP S: 250 OK']);
  });
});
